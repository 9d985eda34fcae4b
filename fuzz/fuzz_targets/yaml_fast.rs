#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    daemonset_fuzz::checks::yaml_fast(data);
});
