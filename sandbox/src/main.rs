//! `jenga-sandbox`: runs the sandbox until Ctrl-C or SIGTERM. The first line
//! of standard output is the base URL, for scripts.

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let config = match jenga_sandbox::Args::parse().resolve() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("jenga-sandbox: {e}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("jenga-sandbox: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async move {
        let running = match jenga_sandbox::start(config).await {
            Ok(r) => r,
            Err(e) => {
                eprintln!("jenga-sandbox: {e}");
                return ExitCode::FAILURE;
            }
        };
        println!("{}", running.base_url());
        let _ = std::io::stdout().flush();
        eprintln!("[sandbox] listening on {}", running.base_url());
        wait_for_signal().await;
        eprintln!("[sandbox] stopping");
        running.stop().await;
        ExitCode::SUCCESS
    })
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
