use rustok_metrics::metered;

// Only "not on a trait": the keys a function would need are not asked for.
#[metered(module = "content")]
trait Store {
    fn load(&self) -> u32;
}

#[metered(module = "content", op = "abs")]
unsafe extern "C" {
    fn abs(x: i32) -> i32;
}

unsafe extern "C" {
    #[metered(module = "content", op = "labs")]
    fn labs(x: i64) -> i64;
}

fn main() {}
