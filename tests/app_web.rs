//! The page, mounted in headless Chromium: heading, prefilled editor, engine output, and the
//! debounced update after typing.
#![cfg(target_arch = "wasm32")]

use leptos::mount::mount_to;
use svcsim_web::app::{App, DEBOUNCE};
use svcsim_web::LECTURE_SERVICE;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;
use web_sys::{Event, EventInit, HtmlElement, HtmlTextAreaElement};

wasm_bindgen_test_configure!(run_in_browser);

/// A fresh element in the test page to mount the app into.
fn container() -> HtmlElement {
    let document = web_sys::window().unwrap().document().unwrap();
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

#[wasm_bindgen_test]
async fn shows_heading_editor_and_output() {
    let root = container();
    let _app = mount_to(root.clone(), App);
    // Reactive properties (the editor's value) are set by effects that run after this task.
    sleep(0).await;

    assert_eq!(text_of(&root, "h1"), "svcsim");
    let editor: HtmlTextAreaElement = root
        .query_selector("textarea#manifest")
        .unwrap()
        .unwrap()
        .unchecked_into();
    assert_eq!(editor.value(), LECTURE_SERVICE);
    // The editor has a visible label, and the output is announced when it changes.
    assert_eq!(text_of(&root, "label[for=manifest]"), "Manifest (YAML)");
    let output = root.query_selector("#output").unwrap().unwrap();
    assert_eq!(output.get_attribute("aria-live").as_deref(), Some("polite"));

    let table = text_of(&root, "#output");
    for expected in ["NAME", "CLUSTER-IP", "my-service", "ClusterIP", "80/TCP"] {
        assert!(table.contains(expected), "{expected} not in {table}");
    }
    assert_eq!(text_of(&root, "#errors"), "");
    assert_eq!(text_of(&root, "#applied"), "service/my-service created");
    root.remove();
}

#[wasm_bindgen_test]
async fn output_follows_typing_after_the_debounce() {
    let root = container();
    let _app = mount_to(root.clone(), App);
    let editor: HtmlTextAreaElement = root
        .query_selector("textarea#manifest")
        .unwrap()
        .unwrap()
        .unchecked_into();

    editor.set_value(&LECTURE_SERVICE.replace("my-service", "renamed-service"));
    // Leptos delegates events to the document: the input event must bubble.
    let init = EventInit::new();
    init.set_bubbles(true);
    let input = Event::new_with_event_init_dict("input", &init).unwrap();
    editor.dispatch_event(&input).unwrap();

    // Not yet: the engine runs once typing pauses.
    assert!(text_of(&root, "#output").contains("my-service"));
    let debounce_ms = i32::try_from(DEBOUNCE.as_millis()).unwrap();
    sleep(debounce_ms + 200).await;
    let table = text_of(&root, "#output");
    assert!(table.contains("renamed-service"), "{table}");
    assert!(!table.contains("my-service"), "{table}");

    editor.set_value("apiVersion: v1\nkind: Service\nmetadata:\n  name: [oops\n");
    editor.dispatch_event(&input).unwrap();
    sleep(debounce_ms + 200).await;
    let errors = text_of(&root, "#errors");
    assert!(errors.starts_with("editor:5:1: "), "{errors}");
    assert!(
        errors.contains("error converting YAML to JSON: yaml: line 5"),
        "{errors}"
    );
    root.remove();
}
