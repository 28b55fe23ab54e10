//! Entry point of the WebAssembly build: install the panic hook, then mount.

// Smaller than the default dlmalloc in the download; the app is
// single-threaded (no atomics), which this allocator requires.
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

fn main() {
    // A panic's message and location in the console (wasm has no stderr);
    // the plain hook, not console_error_panic_hook, whose stack capture
    // costs download size for a trace of mangled wasm frames.
    std::panic::set_hook(Box::new(|info| {
        web_sys::console::error_1(&info.to_string().into());
    }));
    claimdesk::mount();
}
