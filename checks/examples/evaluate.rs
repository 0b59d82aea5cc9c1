//! Evaluates a snapshot with every check and prints how long each phase took: the
//! profiling loop for the checks alone, without the AWS SDK in the build.
//!
//! ```sh
//! python3 bench/gen_snapshot.py /tmp/big.json --resources 100000
//! cargo run --release -p rampart-checks --example evaluate -- /tmp/big.json
//! ```
//!
//! `audit --snapshot` does the same and also writes the report; this leaves the report out
//! so that a profile (`perf record`) shows the evaluation itself.

use std::time::Instant;

use rampart_checks::{Config, Inventory, Selection, evaluate};

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: evaluate SNAPSHOT.json");
        std::process::exit(2);
    };
    let started = Instant::now();
    let file = std::fs::File::open(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let inventory: Inventory = serde_json::from_reader(std::io::BufReader::new(file)).unwrap_or_else(|e| panic!("{path}: {e}"));
    let parsed = started.elapsed();
    let findings = evaluate(&inventory, &Selection::default(), &Config::default());
    let evaluated = started.elapsed() - parsed;
    println!("{} findings; parse {:.2} s, evaluate {:.2} s", findings.len(), parsed.as_secs_f64(), evaluated.as_secs_f64());
    if std::env::var_os("RAMPART_TIME_EXPOSURE").is_some() {
        // What `rampart exposure --all` computes: every interface, every protocol and port.
        let started = Instant::now();
        let rows: usize = inventory
            .accounts
            .iter()
            .map(|a| rampart_checks::exposure::account_exposure(a, true))
            .map(|e| e.regions.iter().flat_map(|r| &r.resources).map(|r| r.reachable.len().max(1)).sum::<usize>())
            .sum();
        println!("exposure: {rows} rows in {:.2} s", started.elapsed().as_secs_f64());
    }
    if std::env::var_os("RAMPART_TIME_CHECKS").is_some() {
        // Each check on its own, slowest first.
        let config = Config::default();
        let ctx = rampart_checks::registry::Context { now: inventory.collected_at, config: &config };
        let mut shared = rampart_checks::engine::Interner::default();
        let mut times: Vec<(f64, &str, usize)> = Selection::default()
            .checks()
            .into_iter()
            .map(|check| {
                let started = Instant::now();
                let n: usize =
                    inventory.accounts.iter().map(|a| rampart_checks::engine::run_check(check, a, &ctx, &rampart_checks::engine::Tags::of(a), &mut shared).len()).sum();
                (started.elapsed().as_secs_f64(), check.id, n)
            })
            .collect();
        times.sort_by(|a, b| b.0.total_cmp(&a.0));
        for (secs, id, n) in times.iter().take(15) {
            println!("{:>8.1} ms {n:>7} {id}", secs * 1000.0);
        }
    }
}
