//! Every string typed as a trace destination, a DNS name or a query goes through these
//! parsers. None of them may panic: a panic in wasm kills the page.
#![no_main]

mod budget;

#[global_allocator]
static ALLOC: budget::Budget = budget::Budget;

use libfuzzer_sys::fuzz_target;
use svcsim_engine::dns::{parse_name, Query, RecordType};
use svcsim_engine::trace::{parse_destination, Origin};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(dest) = parse_destination(&text) {
        // What is accepted prints back to something that parses to the same value.
        assert_eq!(parse_destination(&dest.to_string()), Ok(dest));
    }
    let _ = Origin::parse(&text, "default");
    if let Ok(name) = parse_name(&text) {
        let _ = name.labels();
        let _ = name.lower();
    }
    for qtype in RecordType::ALL {
        if let Ok(q) = Query::parse(&text, qtype) {
            let _ = q.id();
        }
    }
});
