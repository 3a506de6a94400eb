//! A metered function behaves as its plain twin: the same frame, the same
//! exits, the same shapes of signature; only the metrics are added.

use std::future::Future;
use std::panic::{Location, catch_unwind};
use std::pin::Pin;

use rustok_metrics::{MetricLabel, metered};

use crate::support::{YieldOnce, block_on, scrape};

#[track_caller]
#[metered(module = "it_transparent", op = "caller")]
fn where_called() -> &'static Location<'static> {
    Location::caller()
}

#[test]
fn track_caller_sees_the_callers_location() {
    let expected_line = line!() + 1;
    let location = where_called();
    assert_eq!(location.file(), file!());
    assert_eq!(location.line(), expected_line);
    assert_eq!(scrape().statuses("it_transparent", "caller"), [1, 0, 0, 0]);
}

struct PanicsOnDrop;

impl Drop for PanicsOnDrop {
    fn drop(&mut self) {
        panic!("drop");
    }
}

#[metered(module = "it_transparent", op = "local_drop")]
fn local_drop_panics() -> u32 {
    let _local = PanicsOnDrop;
    5
}

#[test]
fn a_panic_while_the_bodys_locals_drop_is_the_calls_panic() {
    assert!(catch_unwind(local_drop_panics).is_err());
    assert_eq!(
        scrape().statuses("it_transparent", "local_drop"),
        [0, 0, 1, 0]
    );
}

#[metered(module = "it_transparent", op = "during_unwind")]
fn called_while_unwinding() -> u32 {
    7
}

struct CallsOnDrop;

impl Drop for CallsOnDrop {
    fn drop(&mut self) {
        assert_eq!(called_while_unwinding(), 7);
    }
}

#[test]
fn a_call_made_from_a_drop_during_an_unrelated_panic_succeeds() {
    let result = catch_unwind(|| {
        let _calls = CallsOnDrop;
        panic!("unrelated");
    });
    assert!(result.is_err());
    assert_eq!(
        scrape().statuses("it_transparent", "during_unwind"),
        [1, 0, 0, 0]
    );
}

#[metered(module = "it_transparent", op = "closure")]
fn length_of() -> impl Fn(&str) -> usize {
    |s| s.len()
}

type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;

#[metered(module = "it_transparent", op = "hand_boxed")]
fn hand_boxed(n: u32) -> BoxFuture<Result<u32, String>> {
    Box::pin(async move {
        if n == 0 {
            return Err("zero".to_owned());
        }
        Ok(n)
    })
}

/// An alias whose name does not say "future": the body's shape does.
type Pending<T> = Pin<Box<dyn Future<Output = T> + Send>>;

#[metered(module = "it_transparent", op = "pending")]
fn pending(n: u32) -> Pending<Result<u32, String>> {
    Box::pin(async move {
        if n == 0 {
            return Err("zero".to_owned());
        }
        Ok(n)
    })
}

#[test]
fn closures_are_plain_return_values_and_boxed_futures_are_measured_inside() {
    assert_eq!(length_of()("four"), 4);
    assert_eq!(block_on(hand_boxed(0)), Err("zero".to_owned()));
    assert_eq!(block_on(hand_boxed(3)), Ok(3));
    assert_eq!(block_on(pending(0)), Err("zero".to_owned()));
    assert_eq!(block_on(pending(3)), Ok(3));
    let scrape = scrape();
    assert_eq!(scrape.statuses("it_transparent", "closure"), [1, 0, 0, 0]);
    // The futures' outputs are classified, not the boxes.
    assert_eq!(
        scrape.statuses("it_transparent", "hand_boxed"),
        [1, 1, 0, 0]
    );
    assert_eq!(scrape.statuses("it_transparent", "pending"), [1, 1, 0, 0]);
}

#[derive(Debug, Clone, Copy, PartialEq, MetricLabel)]
enum Refusal {
    r#Type,
    TooLong,
}

fn check(input: &str) -> Result<&str, Refusal> {
    match input {
        "" => Err(Refusal::r#Type),
        long if long.len() > 5 => Err(Refusal::TooLong),
        fine => Ok(fine),
    }
}

#[metered(module = "it_transparent", op = "question")]
fn through_question(input: &str) -> Result<usize, Refusal> {
    let text = format!("<{}>", check(input)?);
    Ok(text.len())
}

macro_rules! refuse {
    ($why:expr) => {
        return Err($why)
    };
}

#[metered(module = "it_transparent", op = "hidden")]
fn through_a_macro(input: &str) -> Result<usize, Refusal> {
    if input.is_empty() {
        refuse!(Refusal::TooLong);
    }
    Ok(input.len())
}

#[metered(module = "it_transparent", op = "option")]
fn first_even(values: &[u32]) -> Option<u32> {
    let first = values.first()?;
    if first % 2 == 1 {
        return None;
    }
    Some(*first)
}

#[test]
fn every_exit_is_seen_with_its_error_kind() {
    assert_eq!(Refusal::r#Type.metric_label(), "type");
    assert_eq!(through_question("abc"), Ok(5));
    assert_eq!(through_question(""), Err(Refusal::r#Type));
    assert_eq!(through_question("abcdefg"), Err(Refusal::TooLong));
    assert_eq!(through_a_macro(""), Err(Refusal::TooLong));
    assert_eq!(through_a_macro("ab"), Ok(2));
    assert_eq!(first_even(&[]), None);
    assert_eq!(first_even(&[1]), None);
    assert_eq!(first_even(&[2]), Some(2));
    let scrape = scrape();
    let of_kind = |op, kind| {
        scrape
            .errors_of_kind("it_transparent", op, "", "error", kind)
            .unwrap_or(0)
    };
    assert_eq!(
        scrape.calls("it_transparent", "question", "", "success"),
        Some(1)
    );
    assert_eq!(of_kind("question", "type"), 1);
    assert_eq!(of_kind("question", "too_long"), 1);
    assert_eq!(
        scrape.calls("it_transparent", "hidden", "", "success"),
        Some(1)
    );
    assert_eq!(of_kind("hidden", "too_long"), 1);
    // `None` is not an error: every call of an `Option` function succeeds.
    assert_eq!(scrape.statuses("it_transparent", "option"), [3, 0, 0, 0]);
}

#[metered(module = "it_transparent", op = "async_question")]
async fn async_through_question(input: &str) -> Result<usize, Refusal> {
    let checked = check(input)?;
    Ok(checked.len())
}

#[test]
fn async_exits_are_seen_too() {
    assert_eq!(block_on(async_through_question("ab")), Ok(2));
    assert_eq!(block_on(async_through_question("")), Err(Refusal::r#Type));
    let scrape = scrape();
    assert_eq!(
        scrape.calls("it_transparent", "async_question", "", "success"),
        Some(1)
    );
    assert_eq!(
        scrape.errors_of_kind("it_transparent", "async_question", "", "error", "type"),
        Some(1)
    );
}

macro_rules! generated {
    ($name:ident, $module:literal, $op:literal) => {
        #[metered(module = $module, op = $op)]
        fn $name() -> u32 {
            11
        }
    };
}

generated!(from_macro_rules, "it_transparent", "generated");

#[test]
fn functions_generated_by_macro_rules_are_metered() {
    assert_eq!(from_macro_rules(), 11);
    assert_eq!(
        scrape().statuses("it_transparent", "generated"),
        [1, 0, 0, 0]
    );
}

struct Probe;

#[metered(module = "it_transparent_cfg")]
impl Probe {
    #[cfg_attr(all(), metered(op = "renamed"))]
    fn when_true(&self) -> u32 {
        1
    }

    #[cfg_attr(any(), metered(op = "never_used"))]
    fn when_false(&self) -> u32 {
        2
    }

    #[cfg_attr(all(), metered(skip), inline)]
    fn skipped(&self) -> u32 {
        3
    }
}

#[test]
fn cfg_attr_metered_on_a_method_applies_where_its_predicate_holds() {
    let probe = Probe;
    assert_eq!(probe.when_true() + probe.when_false() + probe.skipped(), 6);
    let scrape = scrape();
    assert_eq!(
        scrape.statuses("it_transparent_cfg", "renamed"),
        [1, 0, 0, 0]
    );
    assert_eq!(
        scrape.statuses("it_transparent_cfg", "when_false"),
        [1, 0, 0, 0]
    );
    assert_eq!(
        scrape.calls("it_transparent_cfg", "never_used", "", "success"),
        None
    );
    assert_eq!(
        scrape.calls("it_transparent_cfg", "skipped", "", "success"),
        None
    );
}

#[async_trait::async_trait]
trait Checker {
    async fn check_len(&self, input: &str) -> Result<usize, Refusal>;
}

struct OuterAsyncTrait;

// `#[async_trait]` expands first; the hidden exit in `refuse!` makes the
// boxed future's block be measured as a whole.
#[async_trait::async_trait]
#[metered(module = "it_transparent_async_trait")]
impl Checker for OuterAsyncTrait {
    async fn check_len(&self, input: &str) -> Result<usize, Refusal> {
        if input.is_empty() {
            refuse!(Refusal::r#Type);
        }
        Ok(check(input)?.len())
    }
}

struct InnerAsyncTrait;

#[metered(module = "it_transparent_trait_async")]
#[async_trait::async_trait]
impl Checker for InnerAsyncTrait {
    async fn check_len(&self, input: &str) -> Result<usize, Refusal> {
        if input.is_empty() {
            refuse!(Refusal::r#Type);
        }
        Ok(check(input)?.len())
    }
}

#[test]
fn async_trait_methods_with_hidden_exits_in_either_order() {
    for (checker, module) in [
        (
            &OuterAsyncTrait as &(dyn Checker + Sync),
            "it_transparent_async_trait",
        ),
        (&InnerAsyncTrait, "it_transparent_trait_async"),
    ] {
        assert_eq!(block_on(checker.check_len("")), Err(Refusal::r#Type));
        assert_eq!(
            block_on(checker.check_len("abcdefg")),
            Err(Refusal::TooLong)
        );
        assert_eq!(block_on(checker.check_len("abc")), Ok(3));
        let scrape = scrape();
        let of_kind = |kind| {
            scrape
                .errors_of_kind(module, "check_len", "", "error", kind)
                .unwrap_or(0)
        };
        assert_eq!(scrape.calls(module, "check_len", "", "success"), Some(1));
        assert_eq!((of_kind("type"), of_kind("too_long")), (1, 1), "{module}");
    }
}

#[derive(Clone, Copy)]
enum Channel {
    Web,
    Api,
}

impl Channel {
    fn as_str(self) -> &'static str {
        match self {
            Channel::Web => "web",
            Channel::Api => "api",
        }
    }
}

// `.as_str()` on a type of your own returning `&'static str` is a fixed set:
// only a string argument is refused (`tests/ui/string_kinds.rs`).
#[metered(module = "it_transparent", op = "channel", kind = channel.as_str())]
fn by_channel(channel: Channel) -> u32 {
    match channel {
        Channel::Web => 1,
        Channel::Api => 2,
    }
}

#[test]
fn a_static_str_kind_from_a_method_is_accepted() {
    assert_eq!(by_channel(Channel::Web) + by_channel(Channel::Api), 3);
    let scrape = scrape();
    assert_eq!(
        scrape.calls("it_transparent", "channel", "web", "success"),
        Some(1)
    );
    assert_eq!(
        scrape.calls("it_transparent", "channel", "api", "success"),
        Some(1)
    );
}

#[metered(module = "it_transparent", op = "argument_drop")]
fn keeps_an_argument_for_its_drop(_guard: PanicsOnDrop) -> u32 {
    5
}

#[metered(module = "it_transparent", op = "async_argument_drop")]
async fn async_keeps_an_argument_for_its_drop(_guard: PanicsOnDrop) -> u32 {
    5
}

#[test]
fn an_argument_kept_for_its_drop_drops_inside_the_measured_call() {
    assert!(catch_unwind(|| keeps_an_argument_for_its_drop(PanicsOnDrop)).is_err());
    assert!(catch_unwind(|| block_on(async_keeps_an_argument_for_its_drop(PanicsOnDrop))).is_err());
    let scrape = scrape();
    assert_eq!(
        scrape.statuses("it_transparent", "argument_drop"),
        [0, 0, 1, 0]
    );
    assert_eq!(
        scrape.statuses("it_transparent", "async_argument_drop"),
        [0, 0, 1, 0]
    );
}

fn poll_once<F: Future>(future: Pin<&mut F>) -> std::task::Poll<F::Output> {
    future.poll(&mut std::task::Context::from_waker(std::task::Waker::noop()))
}

#[metered(module = "it_transparent", op = "suspended_unwind")]
async fn suspends_once() -> u32 {
    YieldOnce(false).await;
    3
}

/// A macro the attribute cannot see into: the body is measured as a whole.
macro_rules! opaque {
    ($value:expr) => {
        $value
    };
}

#[metered(module = "it_transparent", op = "suspended_unwind_whole")]
async fn suspends_once_behind_a_macro() -> Result<u32, String> {
    YieldOnce(false).await;
    Ok(opaque!(4))
}

#[metered(module = "it_transparent", op = "panics_after_resuming")]
async fn panics_after_resuming() -> u32 {
    YieldOnce(false).await;
    panic!("after the await")
}

#[metered(module = "it_transparent", op = "fails_during_unwind")]
fn fails_while_unwinding() -> Result<u32, String> {
    panic!("the service method fails")
}

#[metered(module = "it_transparent", op = "fails_whole_during_unwind")]
fn fails_behind_a_macro_while_unwinding() -> Result<u32, String> {
    Ok(opaque!(service_fails()))
}

fn service_fails() -> u32 {
    panic!("the service method fails")
}

#[metered(module = "it_transparent", op = "fails_async_during_unwind")]
async fn fails_async_while_unwinding() -> Result<u32, String> {
    YieldOnce(false).await;
    panic!("the service method fails")
}

#[metered(module = "it_transparent", op = "fails_unit_during_unwind")]
fn fails_with_no_value_while_unwinding() {
    service_fails();
}

/// The plain twin of the metered functions above.
fn plain_fails_while_unwinding() -> Result<u32, String> {
    panic!("the service method fails")
}

struct FailsOnDrop;

impl Drop for FailsOnDrop {
    fn drop(&mut self) {
        assert!(catch_unwind(plain_fails_while_unwinding).is_err());
        assert!(catch_unwind(fails_while_unwinding).is_err());
        assert!(catch_unwind(fails_behind_a_macro_while_unwinding).is_err());
        assert!(catch_unwind(fails_with_no_value_while_unwinding).is_err());
        assert!(
            catch_unwind(|| {
                let mut future = Box::pin(fails_async_while_unwinding());
                assert!(poll_once(future.as_mut()).is_pending());
                let _ = poll_once(future.as_mut());
            })
            .is_err()
        );
    }
}

#[test]
fn a_call_that_panics_from_a_drop_during_an_unrelated_panic_is_a_panic() {
    let result = catch_unwind(|| {
        let _fails = FailsOnDrop;
        panic!("unrelated");
    });
    assert!(result.is_err());
    let scrape = scrape();
    // A sync call cannot be cancelled: its guard dropped without a noted
    // exit, so it panicked. So did the future, which was running, not parked.
    for op in [
        "fails_during_unwind",
        "fails_whole_during_unwind",
        "fails_unit_during_unwind",
        "fails_async_during_unwind",
    ] {
        assert_eq!(scrape.statuses("it_transparent", op), [0, 0, 1, 0], "{op}");
    }
}

#[test]
fn a_suspended_future_dropped_while_its_caller_unwinds_is_cancelled() {
    let result = catch_unwind(|| {
        let mut plain = Box::pin(suspends_once());
        let mut whole = Box::pin(suspends_once_behind_a_macro());
        assert!(poll_once(plain.as_mut()).is_pending());
        assert!(poll_once(whole.as_mut()).is_pending());
        panic!("the caller's own panic: both futures drop while it unwinds");
    });
    assert!(result.is_err());
    let after_unwind = scrape();
    assert_eq!(
        after_unwind.statuses("it_transparent", "suspended_unwind"),
        [0, 0, 0, 1]
    );
    assert_eq!(
        after_unwind.statuses("it_transparent", "suspended_unwind_whole"),
        [0, 0, 0, 1]
    );
    // A body that panics after it resumed is still the call's panic.
    let result = catch_unwind(|| {
        let mut future = Box::pin(panics_after_resuming());
        assert!(poll_once(future.as_mut()).is_pending());
        let _ = poll_once(future.as_mut());
    });
    assert!(result.is_err());
    assert_eq!(
        scrape().statuses("it_transparent", "panics_after_resuming"),
        [0, 0, 1, 0]
    );
    // And a suspended one resumed to the end succeeds.
    assert_eq!(block_on(suspends_once()), 3);
    assert_eq!(
        scrape().statuses("it_transparent", "suspended_unwind"),
        [1, 0, 0, 1]
    );
}
