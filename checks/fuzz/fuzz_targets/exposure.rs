#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| rampart_checks::fuzzing::exposure(data));
