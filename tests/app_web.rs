//! The page, mounted in headless Chromium: the editor starts with the default example, the
//! services table follows the text after the debounce, a syntax error keeps the previous cluster
//! and is reported at its line.
#![cfg(target_arch = "wasm32")]

use leptos::mount::mount_to;
use svcsim_scene::examples;
use svcsim_web::app::App;
use svcsim_web::editor::DEBOUNCE;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;
use web_sys::{Event, EventInit, HtmlElement, HtmlTextAreaElement};

wasm_bindgen_test_configure!(run_in_browser);

/// A fresh element in the test page to mount the app into (and no saved state).
fn container() -> HtmlElement {
    let window = web_sys::window().unwrap();
    if let Ok(Some(storage)) = window.local_storage() {
        storage.clear().unwrap();
    }
    let document = window.document().unwrap();
    let el: HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&el).unwrap();
    el
}

fn text_of(root: &HtmlElement, selector: &str) -> String {
    root.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("no {selector}"))
        .text_content()
        .unwrap_or_default()
}

async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .unwrap();
    });
    JsFuture::from(promise).await.unwrap();
}

fn editor(root: &HtmlElement) -> HtmlTextAreaElement {
    root.query_selector("textarea#manifest")
        .unwrap()
        .unwrap()
        .unchecked_into()
}

fn type_text(el: &HtmlTextAreaElement, text: &str) {
    el.set_value(text);
    // Leptos delegates events to the document: the input event must bubble.
    let init = EventInit::new();
    init.set_bubbles(true);
    let input = Event::new_with_event_init_dict("input", &init).unwrap();
    el.dispatch_event(&input).unwrap();
}

#[wasm_bindgen_test]
async fn shows_heading_editor_and_output() {
    let root = container();
    let _app = mount_to(root.clone(), App);
    sleep(0).await;

    assert_eq!(text_of(&root, "h1"), "svcsim");
    assert_eq!(editor(&root).value(), examples::default_example().yaml);
    assert_eq!(text_of(&root, "label[for=manifest]"), "Manifest (YAML)");
    let output = root.query_selector("#output").unwrap().unwrap();
    assert_eq!(output.get_attribute("aria-live").as_deref(), Some("polite"));
    let table = text_of(&root, "#output");
    for expected in ["NAME", "CLUSTER-IP", "my-service", "ClusterIP", "80/TCP"] {
        assert!(table.contains(expected), "{expected} not in {table}");
    }
    assert_eq!(text_of(&root, "#errors"), "");
    assert!(text_of(&root, "#applied").contains("service/my-service created"));
    // The highlighted layer carries the same text as the textarea.
    let hl = text_of(&root, "pre.hl");
    assert_eq!(hl, format!("{}\n", examples::default_example().yaml));
    // The canvas exists and has a label; the explanation of the example is shown.
    assert!(root
        .query_selector("canvas#cluster[aria-label]")
        .unwrap()
        .is_some());
    assert!(text_of(&root, "#explanation").contains("my-service"));
    root.remove();
}

#[wasm_bindgen_test]
async fn output_follows_typing_after_the_debounce() {
    let root = container();
    let _app = mount_to(root.clone(), App);
    let ed = editor(&root);
    let lecture = examples::default_example().yaml;
    type_text(&ed, &lecture.replace("my-service", "renamed-service"));
    // Not yet: the engine runs once typing pauses.
    assert!(text_of(&root, "#output").contains("my-service"));
    let debounce_ms = i32::try_from(DEBOUNCE.as_millis()).unwrap();
    sleep(debounce_ms + 200).await;
    let table = text_of(&root, "#output");
    assert!(table.contains("renamed-service"), "{table}");
    assert!(!table.contains("my-service "), "{table}");

    // A YAML syntax error: reported at its line, the previous cluster stays.
    type_text(
        &ed,
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: [oops\n",
    );
    sleep(debounce_ms + 200).await;
    let errors = text_of(&root, "#errors");
    assert!(errors.starts_with("editor:5:1: "), "{errors}");
    assert!(
        errors.contains("error converting YAML to JSON: yaml: line 5"),
        "{errors}"
    );
    assert!(text_of(&root, "#output").contains("renamed-service"));
    assert!(text_of(&root, "pre.gutter").contains('5'));
    assert!(root.query_selector(".gutter-err").unwrap().is_some());
    root.remove();
}

/// The panel a panic leaves: built with plain DOM calls (the wasm instance is dead after a
/// panic), its one control a link that reopens the saved work without applying it.
#[wasm_bindgen_test]
fn the_crash_panel_offers_a_safe_reload() {
    svcsim_web::crash::show_panel().unwrap();
    svcsim_web::crash::show_panel().unwrap();
    let doc = web_sys::window().unwrap().document().unwrap();
    let panel = doc.get_element_by_id("crash").unwrap();
    assert!(
        panel.next_element_sibling().map(|e| e.id()) != Some("crash".to_string()),
        "shown once"
    );
    assert_eq!(panel.get_attribute("role").as_deref(), Some("alertdialog"));
    assert!(panel.text_content().unwrap().contains("Your work is saved"));
    let link = doc.get_element_by_id("crash-reload").unwrap();
    assert!(link.get_attribute("href").unwrap().ends_with("?safe=1"));
    panel.remove();
}
