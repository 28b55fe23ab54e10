//! Entry point of the WebAssembly build: install the panic hook, then mount.

fn main() {
    console_error_panic_hook::set_once();
    claimdesk::mount();
}
