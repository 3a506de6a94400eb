use rustok_metrics::metered;

#[metered(module = "content", op = "create")]
struct Node;

#[metered(module = "content", op = "create")]
const fn fixed() -> u32 {
    1
}

#[metered(module = "content", op = "create")]
fn forever() -> ! {
    loop {}
}

trait Store {
    #[metered(module = "content", op = "load")]
    fn load(&self) -> u32;
}

fn main() {}
