//! Entry point of the WebAssembly build: install the panic hook, then mount.

fn main() {
    // A panic's message and location in the console (wasm has no stderr);
    // the plain hook, not console_error_panic_hook, whose stack capture
    // costs download size for a trace of mangled wasm frames.
    std::panic::set_hook(Box::new(|info| {
        web_sys::console::error_1(&info.to_string().into());
    }));
    claimdesk::mount();
}
