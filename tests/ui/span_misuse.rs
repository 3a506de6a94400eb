use rustok_metrics::metered;

#[metered(module = "content", op = "create", err)]
fn err_without_span() -> Result<(), String> {
    Ok(())
}

#[metered(module = "content", op = "read", fields(id = id))]
fn fields_without_span(id: u64) -> u64 {
    id
}

#[metered(module = "content", op = "update", span = "verbose")]
fn unknown_span_level() {}

#[metered(module = "content", op = "delete", span, err = "loud")]
fn unknown_err_level() -> Result<(), String> {
    Ok(())
}

#[metered(module = "content", op = "list", span, err(Pretty))]
fn unknown_err_format() -> Result<(), String> {
    Ok(())
}

struct Service;

#[metered(module = "content", fields(id = 1))]
impl Service {
    fn create(&self) {}
}

struct Other;

#[metered(module = "content")]
impl Other {
    #[metered(err)]
    fn create(&self) -> Result<(), String> {
        Ok(())
    }
}

fn main() {}
