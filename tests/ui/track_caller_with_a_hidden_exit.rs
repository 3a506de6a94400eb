use rustok_metrics::metered;

macro_rules! refuse {
    () => {
        return Err(())
    };
}

#[track_caller]
#[metered(module = "content", op = "check")]
fn check(ok: bool) -> Result<(), ()> {
    if !ok {
        refuse!();
    }
    Ok(())
}

fn main() {}
