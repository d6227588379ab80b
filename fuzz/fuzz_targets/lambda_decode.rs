//! Fuzz target `lambda_decode`: arbitrary bytes through the Lambda's payload decoder (base64, capped
//! gunzip, CloudWatch Logs schema) and the Firehose transformation, the first byte choosing the path.
//! Checks no panic, the inflate cap, errors that never quote the payload, and that a record comes back
//! scrubbed or failed, never passed through (`logscrub_fuzz::checks::lambda_decode`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| logscrub_fuzz::checks::lambda_decode(data));
