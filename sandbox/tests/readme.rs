//! sandbox/README.md against the code, so the documentation cannot drift:
//! every flag and TOML key is documented, every control example is accepted
//! by a running sandbox, every fault has an example, and the counters
//! example has exactly the live counters' keys.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod support;

use std::collections::BTreeSet;
use std::path::Path;

use reqwest::Method;
use serde_json::Value;
use support::{Client, config};

fn readme() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap()
}

/// The JSON bodies of the README's `curl … /sandbox/{route} -d '…'` lines.
fn examples(text: &str, route: &str) -> Vec<Value> {
    let marker = format!("/sandbox/{route} -d '");
    text.lines()
        .filter_map(|l| l.split_once(&marker).map(|(_, rest)| rest))
        .map(|rest| serde_json::from_str(rest.trim_end().trim_end_matches('\'')).unwrap())
        .collect()
}

#[test]
fn every_flag_and_toml_key_is_documented() {
    use clap::CommandFactory;
    let text = readme();
    for arg in jenga_sandbox::Args::command().get_arguments() {
        if let Some(long) = arg.get_long() {
            assert!(
                text.contains(&format!("`--{long}`")),
                "--{long} is not in README.md"
            );
        }
    }
    let example =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("sandbox.example.toml"))
            .unwrap();
    let table: toml::Table = toml::from_str(&example).unwrap();
    for key in table.keys() {
        assert!(
            text.contains(&format!("`{key}`")),
            "{key} is not in README.md"
        );
    }
}

#[tokio::test]
async fn every_control_example_is_accepted_and_every_fault_has_one() {
    let text = readme();
    let sandbox = jenga_sandbox::start(config(None)).await.unwrap();
    let client = Client::new(sandbox.base_url());
    let faults = examples(&text, "faults");
    let mut names = BTreeSet::new();
    for fault in &faults {
        let (status, v) = client
            .control(Method::POST, "faults", Some(fault.clone()))
            .await;
        assert_eq!(status, 201, "{fault}: {v}");
        for f in fault
            .as_array()
            .cloned()
            .unwrap_or_else(|| vec![fault.clone()])
        {
            names.insert(f["fault"].as_str().unwrap().to_owned());
        }
    }
    assert_eq!(
        names,
        [
            "drop_after_accept",
            "rate_limited",
            "server_error_html",
            "slow",
            "unauthorized"
        ]
        .map(str::to_owned)
        .into()
    );
    let modes = examples(&text, "deliveries");
    assert!(modes.len() >= 3);
    for mode in modes {
        let (status, v) = client
            .control(Method::POST, "deliveries", Some(mode.clone()))
            .await;
        assert_eq!(status, 200, "{mode}: {v}");
    }
    sandbox.stop().await;
}

#[tokio::test]
async fn the_counters_example_has_the_live_keys() {
    let text = readme();
    let start = text.find("{\"tokenRequests\"").unwrap();
    let end = start + text[start..].find("\n```").unwrap();
    let documented: Value = serde_json::from_str(&text[start..end]).unwrap();
    let sandbox = jenga_sandbox::start(config(None)).await.unwrap();
    let live = Client::new(sandbox.base_url()).counters().await;
    let keys = |v: &Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(&documented), keys(&live));
    sandbox.stop().await;
}
