//! Closed sets of values that are stored and sent as text: a stage, a method, a kind.
//!
//! Each is declared once with [`text_enum!`](crate::text_enum), giving every variant its text.
//! The macro writes what every such type needs from that one list: serde (the API's JSON),
//! the OpenAPI schema (with the `openapi` feature), `as_str` (the database column) and `Display`,
//! `parse` (forms, imports, stored rows) and `ALL` (choices on a form), so the text of a variant cannot
//! differ between the column, the JSON and the form. With the `db` feature (which the store
//! turns on) each is also a text column type for SeaORM, so an entity's field and the views
//! built from it carry the enum itself: a stored text the enum does not know fails the read
//! instead of flowing on as a string. Labels stay hand-written beside the type, because they
//! are prose in two languages.

/// Declares an enum whose variants are written as the given texts; see the module docs.
///
/// ```
/// linli_domain::text_enum! {
///     /// How a thing went.
///     pub enum Outcome {
///         Agreed = "agreed",
///         Refused = "refused",
///     }
/// }
/// assert_eq!(Outcome::parse(" refused "), Ok(Outcome::Refused));
/// assert_eq!(Outcome::Agreed.as_str(), "agreed");
/// assert_eq!(Outcome::ALL.len(), 2);
/// ```
#[macro_export]
macro_rules! text_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $text:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
            serde::Serialize, serde::Deserialize,
        )]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        $vis enum $name {
            $( $(#[$vmeta])* #[serde(rename = $text)] $variant ),+
        }

        // A text column holding the value: entities and views carry the type, not a string.
        #[cfg(feature = "db")]
        impl From<$name> for sea_orm::Value {
            fn from(v: $name) -> sea_orm::Value {
                sea_orm::Value::from(v.as_str())
            }
        }

        #[cfg(feature = "db")]
        impl sea_orm::TryGetable for $name {
            fn try_get_by<I: sea_orm::ColIdx>(
                res: &sea_orm::QueryResult,
                index: I,
            ) -> Result<Self, sea_orm::TryGetError> {
                let s = <String as sea_orm::TryGetable>::try_get_by(res, index)?;
                $name::parse(&s).map_err(|_| {
                    sea_orm::TryGetError::DbErr(sea_orm::DbErr::Type(format!(
                        "{} is not a {}", s, stringify!($name)
                    )))
                })
            }
        }

        #[cfg(feature = "db")]
        impl sea_orm::sea_query::ValueType for $name {
            fn try_from(
                v: sea_orm::Value,
            ) -> Result<Self, sea_orm::sea_query::ValueTypeErr> {
                match v {
                    sea_orm::Value::String(Some(s)) => {
                        $name::parse(&s).map_err(|_| sea_orm::sea_query::ValueTypeErr)
                    }
                    _ => Err(sea_orm::sea_query::ValueTypeErr),
                }
            }

            fn type_name() -> String {
                stringify!($name).to_string()
            }

            fn array_type() -> sea_orm::sea_query::ArrayType {
                <String as sea_orm::sea_query::ValueType>::array_type()
            }

            fn column_type() -> sea_orm::ColumnType {
                <String as sea_orm::sea_query::ValueType>::column_type()
            }
        }

        #[cfg(feature = "db")]
        impl sea_orm::sea_query::Nullable for $name {
            fn null() -> sea_orm::Value {
                <String as sea_orm::sea_query::Nullable>::null()
            }
        }

        #[cfg(feature = "db")]
        impl sea_orm::IntoActiveValue<$name> for $name {
            fn into_active_value(self) -> sea_orm::ActiveValue<$name> {
                sea_orm::ActiveValue::Set(self)
            }
        }

        // The text, so a template or a message can show the value as stored.
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl $name {
            /// Every value, in the order declared.
            pub const ALL: [$name; $crate::text_enum!(@count $($variant)+)] = [$($name::$variant),+];

            /// The text stored and sent for this value.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }

            /// The value written as `s` (spaces around it ignored): blank is `Required`,
            /// any other text `BadChoice`.
            pub fn parse(s: &str) -> Result<$name, $crate::error::Invalid> {
                match s.trim() {
                    "" => Err($crate::error::Invalid::Required),
                    s => $name::ALL
                        .into_iter()
                        .find(|v| v.as_str() == s)
                        .ok_or($crate::error::Invalid::BadChoice),
                }
            }
        }
    };
    (@count) => { 0usize };
    (@count $head:ident $($tail:ident)*) => { 1usize + $crate::text_enum!(@count $($tail)*) };
}

#[cfg(test)]
mod tests {
    use crate::error::Invalid;

    crate::text_enum! {
        enum Sample {
            One = "one",
            /// With a doc comment.
            TwoWords = "two_words",
        }
    }

    #[test]
    fn the_text_is_the_same_in_json_in_the_column_and_in_parse() {
        for v in Sample::ALL {
            let json = serde_json::to_string(&v).unwrap_or_default();
            assert_eq!(json, format!("\"{}\"", v.as_str()));
            assert_eq!(serde_json::from_str::<Sample>(&json).ok(), Some(v));
            assert_eq!(Sample::parse(v.as_str()), Ok(v));
        }
        assert_eq!(Sample::parse("  "), Err(Invalid::Required));
        assert_eq!(Sample::parse("One"), Err(Invalid::BadChoice));
        assert!(Sample::One < Sample::TwoWords);
    }
}
