//! The sandbox runner: limits itself, then runs the code it reads on stdin (see `runner`).

fn main() {
    agentry_sandbox::runner::main(std::env::args().skip(1))
}
