//! The Lambda extension's entry point: Lambda starts `/opt/extensions/logscrub-extension` in the
//! function's execution environment. Everything is in [`logscrub::extension`]; this only installs
//! the panic hook (locations, never messages) and runs it.

#[tokio::main(flavor = "current_thread")]
async fn main() -> std::process::ExitCode {
    logscrub::lambda::install_panic_hook();
    logscrub::extension::main().await
}
