//! Handlers run in a fresh instance per call: a small shadow stack (64 KiB instead of rustc's
//! 1 MiB) keeps their memory, and the pages a call touches, few.
fn main() {
    println!("cargo:rustc-link-arg=-zstack-size=65536");
}
