//! The engine gives the same answers in the browser as natively: no hidden dependency on the
//! platform (hash order, pointer width, clock). Each test checks the values in `common`, which
//! were produced by the native engine.
//!
//! The tests are written for both targets (`wasm_bindgen_test` in headless Chromium, `test`
//! natively), so one file checks both builds against the same values.

mod common;

use svcsim_engine::cluster::Cluster;
use svcsim_engine::manifest::{self, Source};
use svcsim_engine::printers::{get_services, GetOptions};
use svcsim_web::LECTURE_SERVICE;
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test_configure!(run_in_browser);

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn lecture_example_parses_as_natively() {
    let parsed = manifest::parse(LECTURE_SERVICE);
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    let found: Vec<_> = parsed
        .objects
        .iter()
        .map(|o| {
            (
                o.api_version.as_str(),
                o.kind.as_str(),
                o.name.as_str(),
                o.doc,
                o.node.pos.line,
                o.node.pos.col,
            )
        })
        .collect();
    assert_eq!(found, common::LECTURE_OBJECTS);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn syntax_errors_point_at_their_line() {
    let parsed = manifest::parse("apiVersion: v1\nkind: Service\nmetadata:\n  name: [oops\n");
    assert!(parsed.objects.is_empty());
    let (doc, error) = &parsed.errors[0];
    assert_eq!(*doc, 0);
    assert_eq!(error.pos(), manifest::Pos::new(5, 1));
    assert!(error
        .to_string()
        .starts_with("error converting YAML to JSON: yaml: line 5:"));
}

/// The `my-service` row of `kubectl get services` without its AGE column.
fn my_service_row(table: &str) -> Vec<String> {
    let row = table
        .lines()
        .find(|l| l.starts_with("my-service "))
        .unwrap_or_else(|| panic!("no my-service row in:\n{table}"));
    row.split_whitespace().take(5).map(str::to_string).collect()
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn lecture_example_gets_the_native_cluster_ip() {
    let sources = [Source::new("lecture.yaml", LECTURE_SERVICE)];
    let (cluster, results) = Cluster::from_sources(&sources, common::SEED);
    let applied: Vec<String> = results.iter().map(ToString::to_string).collect();
    assert_eq!(applied, common::LECTURE_APPLY);
    let table = get_services(&cluster, &GetOptions::default());
    assert_eq!(my_service_row(&table), common::LECTURE_MY_SERVICE_ROW);

    // Same text, same seed: the same table, to the byte.
    let (again, _) = Cluster::from_sources(&sources, common::SEED);
    assert_eq!(get_services(&again, &GetOptions::default()), table);
}
