use rustok_metrics::metered;

// The attribute is wrong, but `answer` still exists with its signature, so
// the only other error is the caller's own type mismatch.
#[metered(op = "answer")]
fn answer() -> u32 {
    42
}

fn main() {
    let _text: String = answer();
}
