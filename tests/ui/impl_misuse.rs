use rustok_metrics::metered;

struct A;
struct B;
struct C;
struct D;

#[metered(module = "content", op = "create")]
impl A {
    fn create(&self) {}
}

#[metered]
impl B {
    fn build(&self) {}
}

#[metered(module = "content", kind = self_kind())]
impl C {
    fn check(&self) {}
}

fn self_kind() -> &'static str {
    "x"
}

#[metered(module = "content")]
impl D {
    #[metered(module = "commerce")]
    fn moved(&self) {}

    #[metered(skip, op = "renamed")]
    fn skipped(&self) {}

    #[metered(skip = true)]
    fn valued_skip(&self) {}

    #[metered(modul = "x")]
    fn typo(&self) {}

    #[metered(op = "one")]
    #[metered(op = "two")]
    fn twice(&self) {}

    #[metered(docs = "no")]
    fn docs(&self) {}
}

#[metered(skip)]
fn free() {}

fn main() {}
