//! Every call starts from the memory setup left: a small shadow stack (64 KiB instead of
//! rustc's 1 MiB) keeps that memory, and what a call writes, small.
fn main() {
    println!("cargo:rustc-link-arg=-zstack-size=65536");
}
