//! Writes the repository README's Rust blocks as doctests, so the README reads
//! cleanly on a repository page (no hidden `# ` lines) and still runs: each
//! block becomes a standalone doctest wrapped in a `main` returning a Result,
//! run in a scratch folder holding the test-only key pair as `private.pem`
//! and `public.pem` (what a merchant's own files would be called).

use std::path::{Path, PathBuf};

fn main() {
    println!("cargo:rerun-if-changed=../README.md");
    println!("cargo:rerun-if-changed=build.rs");
    let Some(manifest) = std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from) else {
        return;
    };
    let Some(out) = std::env::var_os("OUT_DIR").map(PathBuf::from) else {
        return;
    };
    // Outside the repository (a packaged crate) there is no README to test.
    let readme = std::fs::read_to_string(manifest.join("../README.md")).unwrap_or_default();
    let keys = manifest.join("../tests/keys");
    let _ = std::fs::write(out.join("README.doctest.md"), doctests(&readme, &keys));
}

fn doctests(readme: &str, keys: &Path) -> String {
    let keys = format!("{:?}", keys.display().to_string());
    let preamble = [
        "# fn main() -> Result<(), Box<dyn std::error::Error>> {".to_owned(),
        format!("# let keys = std::path::Path::new({keys});"),
        "# let dir = std::env::temp_dir().join(format!(\"jenga-readme-{}\", std::process::id()));"
            .to_owned(),
        "# std::fs::create_dir_all(&dir)?;".to_owned(),
        "# std::fs::copy(keys.join(\"test-pkcs1-2048.pem\"), dir.join(\"private.pem\"))?;"
            .to_owned(),
        "# std::fs::copy(keys.join(\"test-pkcs1-2048.pub.pem\"), dir.join(\"public.pem\"))?;"
            .to_owned(),
        "# std::env::set_current_dir(&dir)?;".to_owned(),
    ];
    let mut out = String::new();
    let mut in_rust = false;
    let mut attributes = "";
    let mut block: Vec<&str> = Vec::new();
    for line in readme.lines() {
        if !in_rust {
            // `rust` blocks run; `rust,no_run` blocks (they would need the
            // network) are compiled only.
            match line.trim_end() {
                "```rust" => attributes = "rust,standalone_crate",
                "```rust,no_run" => attributes = "rust,no_run,standalone_crate",
                _ => continue,
            }
            in_rust = true;
            block.clear();
            continue;
        }
        if line.trim_end() == "```" {
            in_rust = false;
            out.push_str("```");
            out.push_str(attributes);
            out.push('\n');
            let wrap = !block.iter().any(|l| l.contains("fn main"));
            if wrap {
                for p in &preamble {
                    out.push_str(p);
                    out.push('\n');
                }
            }
            for l in &block {
                out.push_str(l);
                out.push('\n');
            }
            if wrap {
                out.push_str("# Ok(()) }\n");
            }
            out.push_str("```\n\n");
            continue;
        }
        block.push(line);
    }
    out
}
