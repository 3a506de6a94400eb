//! Generating a metered function.
//!
//! The user's block stays the function's own body, braces included, so the
//! function keeps its frame (`#[track_caller]`, drop order of its locals) and
//! its spans (lints, IDE hints). One statement is added in front: a guard
//! from a per-site static. The value of each way out of the body is noted on
//! the guard where it is visible: the tail, each `return`, each `?`; the
//! guard records when it drops, after the body's locals.
//!
//! Input:
//! ```text
//! fn f(x: X) -> Ret { let a = g(x)?; if a { return h(); } tail }
//! ```
//! Output:
//! ```text
//! fn f(x: X) -> Ret {
//!     let exit = Exit::new(SITE.start());
//!     let a = match Question::branch(g(x)) {
//!         Continue(value) => value,
//!         Break(residual) => return noted!(FromQuestion::from_residual(residual)),
//!     };
//!     if a { return noted!(h()); }
//!     noted!(tail)
//! }
//! ```
//! where `noted!(e)` is `Exit::noted({ let value: Ret = e; value }, &exit, |value| status_of!(value))`,
//! and `Ok(x)`/`Some(x)`, always a success, become `Ok(Exit::returns_ok(x, &exit))`
//! (the exit borrowed after the value, so an `.await` in it holds no borrow
//! of the `!Sync` guard)
//! (`Ok(())` stays as written, noted just before), so clippy still reads the
//! exits the user wrote. For the same reason `let y = init; y` is noted at
//! the `let` (its tail stays `y`, for `let_and_return`), and the value of a
//! `return` ending the body is noted by a call that does not read as
//! hand-written (for `needless_return`: see `Exits::noted_in_return`). Arguments named `_x` are moved into the body
//! (`let _x = _x;`) to drop inside the measured call, as they would. In an
//! `async fn`, each `fut.await` becomes `awaiting(fut, exit.suspended()).await`,
//! so a future dropped while suspended (its caller unwinding) is not taken
//! for one that panicked.
//!
//! A sync function that returns a future is measured inside the async block
//! it ends with, as an `async fn` body (see `future`); one whose future
//! cannot be found is refused. Otherwise, a sync function returning an
//! `impl Trait` is left as written, its exit noted as a success up front:
//! any exit that is not a panic is one. (`()` functions note their exits
//! like the others: a panic from a `Drop` during another panic is told from
//! a return only by the exit not being noted.)
//! A body with a macro that may `return` inside its own expansion (`bail!`)
//! is measured as a whole instead: see `measure_whole`.

use proc_macro2::{Span, TokenStream, TokenTree};
use quote::{quote, quote_spanned};
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::visit_mut::VisitMut;
use syn::{
    Attribute, Block, Expr, FnArg, Ident, Item, Macro, Pat, ReturnType, Signature, Stmt, Type,
};

use crate::args::Kind;
use crate::args::Site;
use crate::{call_span, docs, future};

/// Names of generated locals. `mixed_site` hygiene keeps them invisible to
/// the user's block, whatever it names its own variables.
struct Locals {
    exit: Ident,
    value: Ident,
    /// The call has a span of its own, told each error it returns.
    spanned: bool,
}

impl Locals {
    fn new(spanned: bool) -> Self {
        let span = Span::mixed_site();
        Locals {
            exit: Ident::new("__rustok_exit", span),
            value: Ident::new("__rustok_value", span),
            spanned,
        }
    }
}

/// Measures one function: its docs get the "Metrics" section, its block the
/// guard and the noted exits.
pub(crate) fn instrument(
    site: &Site,
    attrs: &mut Vec<Attribute>,
    sig: &Signature,
    block: &mut Block,
) -> syn::Result<()> {
    let locals = Locals::new(site.traced.span.is_some());
    let start = start_guard(site, sig)?;
    // `Exit::new(start)`, or the call's span made with it (see `call_span`).
    let start = call_span::exit(site, &sig.ident, &start);
    if site.docs {
        attrs.extend(docs::metrics_section(site));
    }
    let exit = &locals.exit;
    let track_caller = attrs
        .iter()
        .find(|attr| attr.path().is_ident("track_caller"))
        .map(|attr| attr.path().span());

    if sig.asyncness.is_none() {
        // A future is built here and runs later: the call is measured where
        // it runs, inside the future (see `future`), or refused.
        if let Some(future) = future::async_tail(block) {
            let output =
                future::output_of(&sig.output).map_or_else(|| syn::parse_quote!(_), value_type_of);
            return note_exits(
                &locals,
                &start,
                &output,
                true,
                track_caller,
                &mut future.block,
            );
        }
        if future::returns_future(&sig.output) {
            return Err(unseen_future(sig, block));
        }
    }
    block.stmts.splice(0..0, keep_unused_arguments_inside(sig));
    let output = value_type(&sig.output);
    if sig.asyncness.is_none() && returns_opaque(&sig.output) {
        let guard: Stmt = syn::parse_quote! {
            let #exit = ::rustok_metrics::__private::Exit::into_succeeding(#start);
        };
        block.stmts.insert(0, guard);
        return Ok(());
    }
    let is_async = sig.asyncness.is_some();
    note_exits(&locals, &start, &output, is_async, track_caller, block)
}

/// A function that returns a future whose body is not one of the shapes
/// `future::async_tail` sees into: measuring it would time only the building
/// of the future. Said on the body's tail (or the return type).
fn unseen_future(sig: &Signature, block: &Block) -> syn::Error {
    let message = format!(
        "#[metered] cannot see where this future runs, and timing `{name}` would time only the building of the future, not the call: write it as `async fn {name}(..) -> T {{ .. }}`, or make its body `Box::pin(async move {{ .. }})` (`async move {{ .. }}` for an `impl Future`), which #[metered] measures inside the future",
        name = sig.ident,
    );
    match block.stmts.last() {
        Some(Stmt::Expr(tail, None)) => syn::Error::new_spanned(tail, message),
        _ => match &sig.output {
            ReturnType::Type(_, ty) => syn::Error::new_spanned(ty, message),
            ReturnType::Default => syn::Error::new(sig.ident.span(), message),
        },
    }
}

/// `let _guard = _guard;` for each argument named `_something`: one the body
/// does not use, kept for its `Drop` (a lock guard, a span). Without the
/// attribute it drops when the function returns; moved into the body, it
/// still drops there, but before the call is recorded, so a panic in its
/// `Drop` is the call's. (clippy does not ask `_` names to be borrowed, so
/// this move hides no `needless_pass_by_value`.)
fn keep_unused_arguments_inside(sig: &Signature) -> Vec<Stmt> {
    sig.inputs
        .iter()
        .filter_map(|input| match input {
            FnArg::Typed(typed) => match &*typed.pat {
                Pat::Ident(pat)
                    if pat.by_ref.is_none()
                        && pat.mutability.is_none()
                        && pat.subpat.is_none()
                        && pat.ident.to_string().starts_with('_') =>
                {
                    let name = &pat.ident;
                    // Shadowed under the same name, so the body's own uses of
                    // it still compile; the lints on `_` names are about code
                    // the user wrote, and this line is not.
                    Some(syn::parse_quote! {
                        #[allow(clippy::used_underscore_binding, clippy::no_effect_underscore_binding)]
                        let #name = #name;
                    })
                }
                _ => None,
            },
            FnArg::Receiver(_) => None,
        })
        .collect()
}

/// Whether the function returns an `impl Trait`: a value no exit could be
/// noted with (its type cannot be named) and the classification could not
/// look into. Every other sync function notes its exits, `()` ones too, so
/// one that panics from a `Drop` during another panic is still a panic.
fn returns_opaque(output: &ReturnType) -> bool {
    matches!(output, ReturnType::Type(_, ty) if matches!(&**ty, Type::ImplTrait(_)))
}

/// Inserts the guard and notes every exit of `block` (see the module docs);
/// when a macro may hide an exit, measures the block as a whole instead.
fn note_exits(
    locals: &Locals,
    start: &TokenStream,
    output: &Type,
    is_async: bool,
    track_caller: Option<Span>,
    block: &mut Block,
) -> syn::Result<()> {
    let exit = &locals.exit;
    let mut exits = Exits {
        locals,
        output,
        hidden: None,
        rewritten: 0,
    };
    let mut stmts = block.stmts.clone();
    // `return value;` last: noted so that clippy still finds its
    // `needless_return` (see `Exits::noted_in_return`).
    let final_return = match stmts.last() {
        Some(Stmt::Expr(Expr::Return(ret), Some(_)))
            if ret
                .expr
                .as_deref()
                .is_some_and(|value| !is_trivial_success(value)) =>
        {
            stmts.pop()
        }
        _ => None,
    };
    for stmt in &mut stmts {
        exits.visit_stmt_mut(stmt);
    }
    if let Some(mut stmt) = final_return {
        if let Stmt::Expr(Expr::Return(ret), _) = &mut stmt
            && let Some(value) = &mut ret.expr
        {
            exits.visit_expr_mut(value);
            **value = exits.noted_in_return((**value).clone());
        }
        stmts.push(stmt);
    }
    if let Some(hidden) = exits.hidden {
        return measure_whole(locals, start, output, is_async, block, hidden, track_caller);
    }
    if let Some(init) = let_and_return(&mut stmts) {
        // `let y = init; y`: noted at the `let`, the tail left as written, as
        // clippy's `let_and_return` reads it.
        *init = exits.noted(init.clone());
    } else {
        match stmts.last_mut() {
            // `Ok(())`: noted just before, and left exactly as written.
            Some(Stmt::Expr(tail, None)) if is_trivial_success(tail) => {
                let tail = stmts.pop();
                stmts.push(syn::parse_quote! {
                    #exit.returns(::rustok_metrics::__private::SUCCESS);
                });
                stmts.extend(tail);
            }
            Some(Stmt::Expr(tail, None)) => *tail = exits.noted(tail.clone()),
            // No tail: the block returns `()`, or never ends.
            _ if is_unit(output) => stmts.push(syn::parse_quote! {
                #[allow(unreachable_code)]
                #exit.returns(::rustok_metrics::__private::SUCCESS);
            }),
            _ => {}
        }
    }
    stmts.insert(
        0,
        syn::parse_quote! {
            let #exit = #start;
        },
    );
    // `status_of!`'s traits for every noted exit (see `Exits::noted`): an
    // anonymous import, first in the body, so it names nothing the body
    // could see and comes after no statement.
    let imports = call_span::imports(locals.spanned);
    let imports = syn::Block::parse_within.parse2(imports)?;
    stmts.splice(0..0, imports);
    block.stmts = stmts;
    Ok(())
}

// Input:
//     fn f(x: X) -> Ret { anyhow::ensure!(x.ok(), "not ok"); body }
// Output:
//     fn f(x: X) -> Ret {
//         let exit = Exit::new(..);
//         let value = call::<Ret, _>(move || { anyhow::ensure!(..); body });
//         exit.returns(status_of!(&value));
//         value
//     }
//
// `ensure!` returns from inside its own expansion, where no rewrite can see
// it; a closure (an async block for an `async fn`) catches every exit as a
// value. `call::<Ret, _>` gives the closure the function's return type before
// the body is checked, so `return` and `?` convert exactly as they did. What
// this costs is listed in the guide; `#[track_caller]`, which a closure
// cannot forward, is refused with an error on the hidden exit.
fn measure_whole(
    locals: &Locals,
    start: &TokenStream,
    output: &Type,
    is_async: bool,
    block: &mut Block,
    hidden: Span,
    track_caller: Option<Span>,
) -> syn::Result<()> {
    let Locals {
        exit,
        value,
        spanned,
    } = locals;
    let body = Block {
        brace_token: block.brace_token,
        stmts: std::mem::take(&mut block.stmts),
    };
    let measured = if is_async {
        quote! {
            ::rustok_metrics::__private::awaiting(
                async move {
                    if let ::core::option::Option::Some(#value) =
                        ::rustok_metrics::__private::output_hint::<#output>()
                    {
                        return #value;
                    }
                    let #value: #output = #body;
                    #[allow(unreachable_code)]
                    #value
                },
                #exit.suspended(),
            )
            .await
        }
    } else {
        if let Some(track_caller) = track_caller {
            let mut error = syn::Error::new(
                hidden,
                "#[metered] cannot keep `#[track_caller]` here: this macro may return from the function inside its own expansion, so the body has to run in a closure to be measured, and a closure cannot forward the caller's location; return without the macro (for example `return Err(..)` instead of `bail!`/`ensure!`), or remove `#[track_caller]`",
            );
            error.combine(syn::Error::new(track_caller, "`#[track_caller]` is here"));
            block.stmts = body.stmts;
            return Err(error);
        }
        quote!(::rustok_metrics::__private::call::<#output, _>(move || #body))
    };
    let outcome = if *spanned {
        let imports = call_span::imports(true);
        let classify = call_span::classify(true, exit, value);
        quote!({ #imports let #value = &#value; #classify })
    } else {
        quote!(::rustok_metrics::__private::status_of!(&#value))
    };
    block.stmts = syn::parse_quote! {
        let #exit = #start;
        let #value = #measured;
        #exit.returns(#outcome);
        #value
    };
    Ok(())
}

/// The initialiser of `let y = init; y` at the end of a block: a binding
/// returned at once, which clippy's `let_and_return` reports when the `let`
/// is untyped and the tail is exactly the name.
fn let_and_return(stmts: &mut [Stmt]) -> Option<&mut Expr> {
    let [.., Stmt::Local(local), Stmt::Expr(Expr::Path(tail), None)] = stmts else {
        return None;
    };
    let Pat::Ident(binding) = &local.pat else {
        return None;
    };
    let returned =
        tail.qself.is_none() && tail.attrs.is_empty() && tail.path.is_ident(&binding.ident);
    let init = local.init.as_mut()?;
    let plain = local.attrs.is_empty() && binding.subpat.is_none() && init.diverge.is_none();
    (returned && plain).then_some(&mut *init.expr)
}

fn is_unit(ty: &Type) -> bool {
    matches!(ty, Type::Tuple(unit) if unit.elems.is_empty())
}

/// Rewrites the exits of one body: its own `return`s and `?`s, not those of
/// closures, async blocks or items nested in it, which exit something else.
struct Exits<'a> {
    locals: &'a Locals,
    output: &'a Type,
    /// A macro that may return from the function where we cannot see it.
    hidden: Option<Span>,
    /// How many exits were rewritten: macro input is re-emitted only if
    /// one of its exits was.
    rewritten: usize,
}

impl Exits<'_> {
    /// `Exit::noted({ let value: Ret = expr; value }, &exit, |value| status_of!(value))`,
    /// with `status_of!`'s traits imported at the top of the body so that the
    /// closure is one method call: the body's locals are last used in the statement
    /// that binds `value`, and only paths follow it there, so clippy's
    /// `significant_drop_tightening` sees what it sees in the plain
    /// function. Or for `Ok(x)` and `Some(x)`, whose status is known,
    /// `Ok(exit.ok(x))`:
    /// the exit stays a call of `Ok`, as clippy's `unnecessary_wraps` reads it.
    /// The block carries the span of `expr`, so a lint about it (such as
    /// `unreachable_code`) points at the user's code.
    fn noted(&self, mut expr: Expr) -> Expr {
        if diverges(&expr) {
            return expr;
        }
        let exit = &self.locals.exit;
        if let Expr::Call(call) = &mut expr
            && call.args.len() == 1
            && is_success_constructor(&call.func)
            && let Some(arg) = call.args.first_mut()
        {
            let inner = arg.clone();
            // Generated (mixed-site) tokens located at the argument: clippy
            // knows them as macro output, and leaves `Ok(())` alone.
            let at = Span::mixed_site().located_at(inner.span());
            *arg = syn::parse_quote_spanned!(at=>
                ::rustok_metrics::__private::Exit::returns_ok(#inner, &#exit)
            );
            return expr;
        }
        let output = self.output;
        // Generated locals located at `expr`, so that a type error about it
        // points at the user's code rather than at the attribute.
        let at = Span::mixed_site().located_at(expr.span());
        let value = &Ident::new("__rustok_value", at);
        let exit = &Ident::new("__rustok_exit", at);
        // An expression with attributes (`#[allow(..)] value`, as
        // async-trait writes its tail) may only stand as a statement.
        if starts_with_attribute(&expr) {
            expr = syn::parse_quote_spanned!(expr.span()=> { #expr });
        }
        // The classifying closure is ours alone, at the attribute: clippy
        // knows it as macro output (its `&&` is the autoref specialisation of
        // `status_of!`, whose traits the body imports first, not a needless
        // borrow).
        let classified = &self.locals.value;
        let classify = call_span::classify(self.locals.spanned, &self.locals.exit, classified);
        let classify = quote!(|#classified| #classify);
        syn::parse_quote_spanned! {expr.span()=> {
            #[allow(unreachable_code)]
            ::rustok_metrics::__private::Exit::noted(
                {
                    let #value: #output = #expr;
                    #[allow(unreachable_code)]
                    #value
                },
                &#exit,
                #classify,
            )
        }}
    }

    /// `Exit::noted(..)` as `noted` writes it, for the value of a `return`
    /// that ends the body: a call whose path is ours (mixed-site) and whose
    /// parentheses are located at the user's value. So the `return`
    /// expression reads as the user's from its keyword to its end, while
    /// its value does not read as written by hand, and clippy's
    /// `needless_return` (which skips a value that looks like the output
    /// of a proc macro) sees what it sees in the plain function.
    fn noted_in_return(&self, expr: Expr) -> Expr {
        let Expr::Block(noted) = self.noted(expr.clone()) else {
            return expr;
        };
        let Some(Stmt::Expr(Expr::Call(call), None)) = noted.block.stmts.into_iter().next() else {
            return expr;
        };
        let at = Span::mixed_site().located_at(expr.span());
        let path = respan(quote!(::rustok_metrics::__private::Exit::noted), at);
        let args = &call.args;
        let mut args = proc_macro2::Group::new(proc_macro2::Delimiter::Parenthesis, quote!(#args));
        args.set_span(expr.span());
        syn::parse2(quote!(#path #args)).unwrap_or(expr)
    }

    /// `expr?`, with the early return noted. The paths carry the span of the
    /// `?`, so a `?` the function's type does not allow is reported there.
    fn question(&self, expr: Expr, question: Span) -> Expr {
        // Hygienic as every generated local, but located at the `?`, so an
        // error about the conversion points there.
        let at_question = Span::mixed_site().located_at(question);
        let value = Ident::new("__rustok_value", at_question);
        let residual = Ident::new("__rustok_residual", at_question);
        // The return type re-spanned onto the `?` (same hygiene: both are the
        // user's), so "cannot convert" or "cannot use `?` here" points there.
        let output = self.output;
        let output = respan(quote!(#output), question);
        let converted: Expr = syn::parse2(quote_spanned! {question=>
            <#output as ::rustok_metrics::__private::FromQuestion<_>>::from_residual(#residual)
        })
        .expect("a path call parses");
        let noted = self.noted(converted);
        syn::parse2(quote_spanned! {question=>
            match ::rustok_metrics::__private::Question::branch(#expr) {
                ::core::ops::ControlFlow::Continue(#value) => #value,
                ::core::ops::ControlFlow::Break(#residual) => return #noted,
            }
        })
        .expect("a match parses")
    }
}

impl VisitMut for Exits<'_> {
    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        match expr {
            // Their `return` and `?` leave them, not the function.
            Expr::Closure(_) | Expr::Async(_) | Expr::Const(_) => {}
            Expr::Await(awaited) => {
                syn::visit_mut::visit_expr_await_mut(self, awaited);
                self.rewritten += 1;
                let exit = &self.locals.exit;
                let future = &awaited.base;
                let at = awaited.await_token.span;
                *expr = syn::parse_quote_spanned! {at=>
                    ::rustok_metrics::__private::awaiting(#future, #exit.suspended()).await
                };
            }
            Expr::Return(ret) => {
                syn::visit_mut::visit_expr_return_mut(self, ret);
                self.rewritten += 1;
                match ret.expr.take() {
                    Some(value) if !is_trivial_success(&value) => {
                        ret.expr = Some(Box::new(self.noted(*value)));
                    }
                    trivial_or_none => {
                        ret.expr = trivial_or_none;
                        let exit = &self.locals.exit;
                        let ret = ret.clone();
                        *expr = syn::parse_quote!({
                            #exit.returns(::rustok_metrics::__private::SUCCESS);
                            #ret
                        });
                    }
                }
            }
            // A `?` cannot compile in a function returning `()`: left as
            // written, so the compiler's own error and help point at it.
            Expr::Try(tried) if is_unit(self.output) => {
                syn::visit_mut::visit_expr_try_mut(self, tried);
            }
            Expr::Try(tried) => {
                syn::visit_mut::visit_expr_try_mut(self, tried);
                self.rewritten += 1;
                let span = tried.question_token.span;
                *expr = self.question((*tried.expr).clone(), span);
            }
            _ => syn::visit_mut::visit_expr_mut(self, expr),
        }
    }

    fn visit_item_mut(&mut self, _: &mut Item) {}

    fn visit_type_mut(&mut self, _: &mut Type) {}

    fn visit_pat_mut(&mut self, _: &mut Pat) {}

    /// `println!("{}", x?)`: the arguments of a macro known never to return
    /// by itself are rewritten like the rest of the body, when they read as
    /// expressions. Any other macro (`bail!`, `ensure!`, `ready!`, your own)
    /// may hide an exit, and so may input that does not read as expressions.
    fn visit_macro_mut(&mut self, mac: &mut Macro) {
        let name = mac.path.segments.last().map(|s| s.ident.to_string());
        if !name
            .as_deref()
            .is_some_and(|name| NEVER_RETURN.contains(&name))
        {
            self.hidden.get_or_insert(mac.path.span());
            return;
        }
        let parser = Punctuated::<Expr, syn::Token![,]>::parse_terminated;
        match parser.parse2(mac.tokens.clone()) {
            Ok(mut args) => {
                let before = self.rewritten;
                for arg in &mut args {
                    self.visit_expr_mut(arg);
                }
                if self.rewritten > before {
                    mac.tokens = quote!(#args);
                }
            }
            Err(_) => {
                if let Some(span) = exit_token(mac.tokens.clone()) {
                    self.hidden.get_or_insert(span);
                }
            }
        }
    }
}

/// Macros of std and `tracing` whose expansion never leaves the function:
/// only a `?` or `return` written in their input can, and that is rewritten.
const NEVER_RETURN: &[&str] = &[
    "assert",
    "assert_eq",
    "assert_ne",
    "cfg",
    "column",
    "concat",
    "dbg",
    "debug",
    "debug_assert",
    "debug_assert_eq",
    "debug_assert_ne",
    "debug_span",
    "env",
    "eprint",
    "eprintln",
    "error",
    "error_span",
    "event",
    "file",
    "format",
    "format_args",
    "include_bytes",
    "include_str",
    "info",
    "info_span",
    "line",
    "matches",
    "module_path",
    "option_env",
    "panic",
    "print",
    "println",
    "span",
    "stringify",
    "todo",
    "trace",
    "trace_span",
    "unimplemented",
    "unreachable",
    "vec",
    "warn",
    "warn_span",
    "write",
    "writeln",
];

fn starts_with_attribute(expr: &Expr) -> bool {
    matches!(quote!(#expr).into_iter().next(), Some(TokenTree::Punct(punct)) if punct.as_char() == '#')
}

/// `Ok(())`, `Some(CONST)`, `Ok(value)`: a success whose argument is a
/// literal or a name, so noting it before it is built changes nothing. The
/// exit is then left exactly as written, as clippy's `unnecessary_wraps`,
/// `needless_return` and `unit_arg` read it.
fn is_trivial_success(expr: &Expr) -> bool {
    let Expr::Call(call) = expr else {
        return false;
    };
    let trivial = match call.args.first() {
        Some(Expr::Lit(_) | Expr::Path(_)) => true,
        Some(Expr::Tuple(unit)) => unit.elems.is_empty(),
        _ => false,
    };
    trivial && call.args.len() == 1 && is_success_constructor(&call.func)
}

/// `panic!(..)`, `todo!()` and the like: such an exit is no return value,
/// and binding it to a local would be clippy's `diverging_sub_expression`.
fn diverges(expr: &Expr) -> bool {
    let Expr::Macro(mac) = expr else {
        return false;
    };
    mac.mac.path.segments.last().is_some_and(|last| {
        ["panic", "todo", "unimplemented", "unreachable"]
            .iter()
            .any(|name| last.ident == name)
    })
}

/// `Ok`, `Some`, or a path to them such as `Result::Ok`: a value built by
/// them is never an error.
fn is_success_constructor(func: &Expr) -> bool {
    let Expr::Path(path) = func else {
        return false;
    };
    let names: Vec<String> = path
        .path
        .segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    matches!(
        names.as_slice(),
        ["Ok" | "Some"] | [.., "Result", "Ok"] | [.., "Option", "Some"]
    )
}

/// `tokens` with every span moved to `span`.
fn respan(tokens: TokenStream, span: Span) -> TokenStream {
    tokens
        .into_iter()
        .map(|mut token| {
            if let TokenTree::Group(group) = &token {
                let mut inner =
                    proc_macro2::Group::new(group.delimiter(), respan(group.stream(), span));
                inner.set_span(span);
                token = TokenTree::Group(inner);
            } else {
                token.set_span(span);
            }
            token
        })
        .collect()
}

/// The first `?` or `return` in macro input, if any.
fn exit_token(tokens: TokenStream) -> Option<Span> {
    tokens.into_iter().find_map(|token| match token {
        TokenTree::Punct(punct) if punct.as_char() == '?' => Some(punct.span()),
        TokenTree::Ident(ident) if ident == "return" => Some(ident.span()),
        TokenTree::Group(group) => exit_token(group.stream()),
        _ => None,
    })
}

/// `Exit::new` argument: `{ static SITE: CallSite = ..; submit!(SITE); SITE.start() }`.
///
/// The static sits in its own block: one per call site, registered before
/// `main` for the catalogue, and never visible to the user's code. A computed
/// kind is evaluated here, before the body runs.
fn start_guard(site: &Site, sig: &Signature) -> syn::Result<TokenStream> {
    let Site {
        module,
        op,
        kind,
        objective,
        ..
    } = site;
    // Spanned on the expression: a value that is not a constant `Objective`
    // is reported there.
    let objective = objective
        .as_ref()
        .map(|objective| quote_spanned!(objective.span()=> .with_objective(#objective)));
    let line = sig.ident.span().start().line;
    let line = u32::try_from(line).unwrap_or(0);
    // `CallSite::start(&SITE)`, not `SITE.start()`: clippy reads a method
    // call on a static with interior mutability as "mutates a static" and
    // would stop suggesting `#[must_use]` for the user's function.
    let spanned = site.traced.span.is_some();
    let plain = if spanned {
        quote!(::rustok_metrics::__private::CallSite::start_spanned(&SITE))
    } else {
        quote!(::rustok_metrics::__private::CallSite::start(&SITE))
    };
    let (static_kind, computed, start) = match kind {
        None => (quote!(""), false, plain),
        Some(Kind::Static(kind)) => (quote!(#kind), false, plain),
        Some(Kind::Computed(expr)) => {
            refuse_strings(expr, sig)?;
            // Spanned on the expression, so a type that cannot be a label is
            // reported there.
            let value = quote_spanned!(expr.span()=>
                ::rustok_metrics::__private::IntoKind::kind_value(&(#expr))
            );
            (
                quote!(""),
                true,
                if spanned {
                    quote!(::rustok_metrics::__private::CallSite::start_with_spanned(&SITE, #value))
                } else {
                    quote!(::rustok_metrics::__private::CallSite::start_with(&SITE, #value))
                },
            )
        }
    };
    Ok(quote! {{
        static SITE: ::rustok_metrics::__private::CallSite =
            ::rustok_metrics::__private::CallSite::new(
                #module, #op, #static_kind, #computed, ::core::file!(), #line,
            )#objective;
        ::rustok_metrics::__private::inventory::submit! {
            ::rustok_metrics::__private::SiteEntry(&SITE)
        }
        #start
    }})
}

/// `kind = query` with a string argument, or `kind = x.as_str()`: strings can
/// take any value, so they go through `bounded(..)`. Said here, on the
/// expression, instead of as a borrow error on the generated code.
fn refuse_strings(expr: &Expr, sig: &Signature) -> syn::Result<()> {
    // Only what is surely a string: a string argument, or a method called on
    // one (`query.as_str()`). `kind.as_str()` on an enum of your own may
    // well return one of a fixed set of `&'static str`, which is fine.
    let is_string_argument = |expr: &Expr| match strip_refs(expr) {
        Expr::Path(path) => path
            .path
            .get_ident()
            .and_then(|name| argument_type(sig, name))
            .is_some_and(is_string_type),
        _ => false,
    };
    let is_string = match strip_refs(expr) {
        Expr::MethodCall(call) => is_string_argument(&call.receiver),
        other => is_string_argument(other),
    };
    if !is_string {
        return Ok(());
    }
    Err(syn::Error::new_spanned(
        expr,
        "a string `kind` could take any value, and label values must be few: pass it through `rustok_metrics::bounded(..)`, as in `kind = rustok_metrics::bounded(&value)`, or derive `rustok_metrics::MetricLabel` on an enum of the values you expect",
    ))
}

fn strip_refs(expr: &Expr) -> &Expr {
    match expr {
        Expr::Reference(reference) => strip_refs(&reference.expr),
        Expr::Paren(paren) => strip_refs(&paren.expr),
        Expr::Unary(unary) if matches!(unary.op, syn::UnOp::Deref(_)) => strip_refs(&unary.expr),
        other => other,
    }
}

fn argument_type<'a>(sig: &'a Signature, name: &Ident) -> Option<&'a Type> {
    sig.inputs.iter().find_map(|input| match input {
        FnArg::Typed(typed) => match &*typed.pat {
            Pat::Ident(pat) if pat.ident == *name => Some(&*typed.ty),
            _ => None,
        },
        FnArg::Receiver(_) => None,
    })
}

/// `str`, `String`, `Cow<str>` behind any references.
fn is_string_type(ty: &Type) -> bool {
    match ty {
        Type::Reference(reference) => is_string_type(&reference.elem),
        Type::Path(path) => path.path.segments.last().is_some_and(|last| {
            last.ident == "str" || last.ident == "String" || last.ident == "Cow"
        }),
        _ => false,
    }
}

/// The function's return type as it can be written inside its body: `()` when
/// omitted, and `_` for each `impl Trait`, which may not appear there.
fn value_type(output: &ReturnType) -> Type {
    match output {
        ReturnType::Default => syn::parse_quote!(()),
        ReturnType::Type(_, ty) => value_type_of((**ty).clone()),
    }
}

/// A type as it can be written inside a body: `_` for each `impl Trait`.
fn value_type_of(mut ty: Type) -> Type {
    ImplTraitToInfer.visit_type_mut(&mut ty);
    ty
}

struct ImplTraitToInfer;

impl VisitMut for ImplTraitToInfer {
    fn visit_type_mut(&mut self, ty: &mut Type) {
        if let Type::ImplTrait(impl_trait) = ty {
            let underscore = syn::Token![_](impl_trait.span());
            *ty = syn::parse_quote!(#underscore);
        } else {
            syn::visit_mut::visit_type_mut(self, ty);
        }
    }
}
