//! `pos-emulator`: prints `http://127.0.0.1:PORT` once listening, then serves.

use std::io::Write;

use pos_emulator::{start, Config, USAGE};

fn main() {
    let config = match Config::from_args(std::env::args().skip(1)) {
        Ok(Some(c)) => c,
        Ok(None) => {
            println!("{USAGE}");
            return;
        }
        Err(e) => {
            eprintln!("pos-emulator: {e}\n{USAGE}");
            std::process::exit(2);
        }
    };
    let handle = match start(config) {
        Ok(h) => h,
        Err(e) => {
            eprintln!("pos-emulator: cannot start: {e}");
            std::process::exit(1);
        }
    };
    // Test scripts wait for exactly this one line. A closed stdout is fine.
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{}", handle.url());
    let _ = out.flush();
    drop(out);
    handle.join();
}
