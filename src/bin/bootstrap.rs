//! The Lambda function's entry point (`provided.al2023` runs an executable named `bootstrap`).
//!
//! Everything is in [`logscrub::lambda`]; this only builds the handler once, before the runtime
//! loop, so the rule pack is compiled at init rather than on the first event, and hands it to the
//! runtime. Build and deploy with `cargo lambda build --release` or `sam build` (see template.yaml).

use lambda_runtime::{Error, LambdaEvent, service_fn};
use logscrub::lambda::{Handler, install_panic_hook};
use serde_json::Value;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    install_panic_hook();
    let handler = Handler::from_env().await?;
    let handler = &handler;
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| async move {
        // HandlerError becomes the runtime's Diagnostic: a stable errorType, no log content.
        handler.handle(event).await
    }))
    .await
}
