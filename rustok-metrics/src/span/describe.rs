//! What a returned error says about itself, by the type the compiler
//! resolved: autoref specialisation, as in `outcome::classify`.
//!
//! For `(&&&&Describe(&value)).__rustok_error()` method lookup tries, in
//! order: an `Err` whose type implements `Display` and `Debug`
//! (`DescribeBoth`), `Display` only (`DescribeDisplay`), `Debug` only
//! (`DescribeDebug`), any `Result` (`DescribeResult`: the type's name
//! alone), and any other value (`DescribeOther`: nothing). Generated code
//! imports the five traits anonymously.

use std::fmt::{Debug, Display};

use super::ErrorFields;

/// A borrowed return value on its way to its [`ErrorFields`].
pub struct Describe<'a, T: ?Sized>(pub &'a T);

impl<T: ?Sized> Clone for Describe<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: ?Sized> Copy for Describe<'_, T> {}

impl<T: ?Sized> Debug for Describe<'_, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Describe").finish_non_exhaustive()
    }
}

fn fields<'a, E>(
    display: Option<&'a dyn Display>,
    debug: Option<&'a dyn Debug>,
) -> Option<ErrorFields<'a>> {
    Some(ErrorFields {
        type_name: std::any::type_name::<E>(),
        display,
        debug,
    })
}

/// `Err` of a type with `Display` and `Debug`, as every `std::error::Error`.
pub trait DescribeBoth<'a> {
    /// The error's fields, on `Err`.
    fn __rustok_error(self) -> Option<ErrorFields<'a>>;
}

impl<'a, T, E: Display + Debug> DescribeBoth<'a> for &&&&Describe<'a, Result<T, E>> {
    #[inline]
    fn __rustok_error(self) -> Option<ErrorFields<'a>> {
        match self.0 {
            Ok(_) => None,
            Err(error) => fields::<E>(Some(error), Some(error)),
        }
    }
}

/// `Err` of a type with `Display` only.
pub trait DescribeDisplay<'a> {
    /// The error's fields, on `Err`.
    fn __rustok_error(self) -> Option<ErrorFields<'a>>;
}

impl<'a, T, E: Display> DescribeDisplay<'a> for &&&Describe<'a, Result<T, E>> {
    #[inline]
    fn __rustok_error(self) -> Option<ErrorFields<'a>> {
        match self.0 {
            Ok(_) => None,
            Err(error) => fields::<E>(Some(error), None),
        }
    }
}

/// `Err` of a type with `Debug` only.
pub trait DescribeDebug<'a> {
    /// The error's fields, on `Err`.
    fn __rustok_error(self) -> Option<ErrorFields<'a>>;
}

impl<'a, T, E: Debug> DescribeDebug<'a> for &&Describe<'a, Result<T, E>> {
    #[inline]
    fn __rustok_error(self) -> Option<ErrorFields<'a>> {
        match self.0 {
            Ok(_) => None,
            Err(error) => fields::<E>(None, Some(error)),
        }
    }
}

/// `Err` of any other type: its name only.
pub trait DescribeResult<'a> {
    /// The error's fields, on `Err`.
    fn __rustok_error(self) -> Option<ErrorFields<'a>>;
}

impl<'a, T, E> DescribeResult<'a> for &Describe<'a, Result<T, E>> {
    #[inline]
    fn __rustok_error(self) -> Option<ErrorFields<'a>> {
        match self.0 {
            Ok(_) => None,
            Err(_) => fields::<E>(None, None),
        }
    }
}

/// Any value that is not a `Result`: never an error to describe.
pub trait DescribeOther<'a> {
    /// Nothing.
    fn __rustok_error(self) -> Option<ErrorFields<'a>>;
}

impl<'a, T: ?Sized> DescribeOther<'a> for Describe<'a, T> {
    #[inline]
    fn __rustok_error(self) -> Option<ErrorFields<'a>> {
        None
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::needless_borrow)]
    use super::{
        Describe, DescribeBoth as _, DescribeDebug as _, DescribeDisplay as _, DescribeOther as _,
        DescribeResult as _,
    };

    #[derive(Debug)]
    struct DebugOnly;
    struct DisplayOnly;
    struct Bare;

    impl std::fmt::Display for DisplayOnly {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("shown")
        }
    }

    #[test]
    fn each_error_says_what_its_type_allows() {
        let both: Result<(), std::fmt::Error> = Err(std::fmt::Error);
        let fields = (&&&&Describe(&both)).__rustok_error().unwrap();
        assert_eq!(fields.type_name(), "core::fmt::Error");
        assert_eq!(
            fields.display().unwrap().to_string(),
            "an error occurred when formatting an argument"
        );
        assert!(fields.debug().is_some());

        let debug: Result<(), DebugOnly> = Err(DebugOnly);
        let fields = (&&&&Describe(&debug)).__rustok_error().unwrap();
        assert!(fields.display().is_none() && fields.debug().is_some());

        let display: Result<(), DisplayOnly> = Err(DisplayOnly);
        let fields = (&&&&Describe(&display)).__rustok_error().unwrap();
        assert_eq!(fields.display().unwrap().to_string(), "shown");
        assert!(fields.debug().is_none());

        let bare: Result<(), Bare> = Err(Bare);
        let fields = (&&&&Describe(&bare)).__rustok_error().unwrap();
        assert!(fields.type_name().ends_with("Bare") && fields.debug().is_none());

        let ok: Result<(), Bare> = Ok(());
        assert!((&&&&Describe(&ok)).__rustok_error().is_none());
        assert!((&&&&Describe(&7)).__rustok_error().is_none());
    }
}
