//! Joins the JavaScript snippets (`src/web/js/`, one concern per file) into
//! the four modules the wasm binds to (`target/js/`). Four, because
//! wasm-bindgen-test-runner's server stalls, about one page load in three,
//! when a page asks for a fifth snippet module at once. A snippet may
//! import only from its own group (the import line is dropped when joined).

use std::fs;
use std::path::Path;

/// Each joined module and its sources, in order (a source comes after the
/// ones it imports from).
const GROUPS: &[(&str, &[&str])] = &[
    ("errors.js", &["errors.js", "time_zone.js"]),
    (
        "guard.js",
        &["snapshot.js", "json.js", "storage.js", "http.js"],
    ),
    ("fetch.js", &["fetch.js"]),
    ("page.js", &["zone.js", "page.js", "tab_lock.js"]),
];

fn main() {
    let sources = Path::new("src/web/js");
    let out = Path::new("target/js");
    println!("cargo:rerun-if-changed={}", sources.display());
    fs::create_dir_all(out).expect("target/js can be created");
    for (joined, members) in GROUPS {
        let mut text = format!(
            "// Joined by build.rs from src/web/js/{{{}}}: edit those.\n",
            members.join(",")
        );
        for member in *members {
            let path = sources.join(member);
            println!("cargo:rerun-if-changed={}", path.display());
            let source =
                fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            text.push_str(&format!("\n// --- {member}\n"));
            for line in source.lines() {
                if let Some(from) = line
                    .strip_prefix("import ")
                    .and_then(|l| l.split("from \"./").nth(1))
                {
                    let imported = from.trim_end_matches("\";");
                    assert!(
                        members.contains(&imported),
                        "{member} imports {imported}, which is not in {joined}'s group"
                    );
                    continue;
                }
                text.push_str(line);
                text.push('\n');
            }
        }
        let target = out.join(joined);
        // Written only when it changed, so that cargo does not rebuild for nothing.
        if fs::read_to_string(&target).ok().as_deref() != Some(text.as_str()) {
            fs::write(&target, text).expect("target/js is writable");
        }
    }
}
