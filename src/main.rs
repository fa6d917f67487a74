//! Entry point of the web app: mount [`svcsim_web::app::App`] on the page. Everything else lives in
//! the library so the browser tests in `tests/` can mount the same component.

#[cfg(target_arch = "wasm32")]
fn main() {
    // A panic shows in the console with its message, and a panel offers a safe reload.
    svcsim_web::crash::install();
    leptos::mount::mount_to_body(svcsim_web::app::App);
}

/// The web app is built for wasm32 only (its dependencies are gated to that target); the native
/// build is empty so `cargo test --workspace` stays cheap.
#[cfg(not(target_arch = "wasm32"))]
fn main() {}
