//! The `logscrub` binary. All behaviour lives in [`logscrub::cli`], where it can be read and tested
//! as library code; this only hands over the arguments and turns the result into the exit status.

fn main() -> std::process::ExitCode {
    std::process::ExitCode::from(logscrub::cli::main(std::env::args_os()))
}
