//! The words of the JSON API. Store views carry facts — a stage, a payment method, a list of
//! blockers — and no language; pages word them in their templates, and the API serves each
//! fact's words beside it (`stage_label` beside `stage`), formed here in the asker's language.
//!
//! A view that has words implements [`Labels`]: which keys it adds ([`Labels::KEYS`]) and how
//! it fills them ([`Labels::words`]), calling the `Labels` of the views nested in it. A
//! handler answers [`Labelled`]`<View>`, which serializes the view and then adds its words;
//! [`describe`] adds the same keys to the view's schema in the OpenAPI document, so the
//! document keeps describing every key the API sends.

use linli_domain::Lang;
use serde::{Serialize, Serializer};
use serde_json::{Map, Value};
use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Schema, SchemaType, Type};
use utoipa::openapi::{OpenApi, RefOr};

/// A key a view's words add to its JSON object.
pub enum Key {
    /// One text: `"stage_label": "方案设计"`.
    Text(&'static str),
    /// One text or null, when there is nothing to word ([`Words::maybe`]).
    MaybeText(&'static str),
    /// A list of texts: `"blockers": ["还没有指定负责人"]`.
    Texts(&'static str),
}

/// The words of one view; see the module docs.
pub trait Labels {
    /// The keys [`Labels::words`] adds, for the OpenAPI document.
    const KEYS: &'static [Key];

    /// Adds the view's words, and those of the views nested in it, to its JSON object.
    fn words(&self, w: &mut Words<'_>);

    /// Words the view's JSON: an object for one view, an array for a list of them.
    fn word(&self, json: &mut Value, lang: Lang) {
        if let Value::Object(json) = json {
            self.words(&mut Words { json, lang });
        }
    }
}

/// A list of views is worded view by view.
impl<T: Labels> Labels for Vec<T> {
    const KEYS: &'static [Key] = &[];

    fn words(&self, _: &mut Words<'_>) {}

    fn word(&self, json: &mut Value, lang: Lang) {
        if let Value::Array(items) = json {
            for (view, json) in self.iter().zip(items) {
                view.word(json, lang);
            }
        }
    }
}

/// Implements [`Labels`] for a view whose words are texts of its facts, and whose nested views
/// are worded by their own `Labels`:
///
/// ```ignore
/// labels!(BillView, |v, lang| {
///     "subsidy_preset_label" => v.subsidy_preset.label(lang),
/// }, nested: [payments]);
/// ```
macro_rules! labels {
    ($view:ty, |$v:ident, $lang:ident| { $($key:literal => $text:expr),* $(,)? }
        $(, nested: [$($field:ident),* $(,)?])?) => {
        impl $crate::api::labels::Labels for $view {
            const KEYS: &'static [$crate::api::labels::Key] =
                &[$($crate::api::labels::Key::Text($key)),*];

            #[allow(unused_variables)]
            fn words(&self, w: &mut $crate::api::labels::Words<'_>) {
                let ($v, $lang) = (self, w.lang);
                $(w.put($key, $text);)*
                $($(w.nested(stringify!($field), &$v.$field);)*)?
            }
        }
    };
}
pub(crate) use labels;

/// A view's JSON object being worded in one language.
pub struct Words<'a> {
    json: &'a mut Map<String, Value>,
    pub lang: Lang,
}

impl Words<'_> {
    /// Sets one text key.
    pub fn put(&mut self, key: &str, text: impl Into<String>) {
        self.json.insert(key.into(), Value::String(text.into()));
    }

    /// Sets a key to a list of texts.
    pub fn list<S: Into<String>>(&mut self, key: &str, texts: impl IntoIterator<Item = S>) {
        let texts = texts.into_iter().map(|s| Value::String(s.into())).collect();
        self.json.insert(key.into(), Value::Array(texts));
    }

    /// Words the view (or list of views) nested under `key`, if it is there.
    pub fn nested<T: Labels>(&mut self, key: &str, view: &T) {
        if let Some(json) = self.json.get_mut(key) {
            view.word(json, self.lang);
        }
    }
}

/// A view (or a list of views) as the API sends it: its JSON with its words.
pub struct Labelled<T> {
    view: T,
    lang: Lang,
}

impl<T> Labelled<T> {
    pub fn new(view: T, lang: Lang) -> Labelled<T> {
        Labelled { view, lang }
    }
}

impl<T: Serialize + Labels> Serialize for Labelled<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut json = serde_json::to_value(&self.view).map_err(serde::ser::Error::custom)?;
        self.view.word(&mut json, self.lang);
        json.serialize(s)
    }
}

/// A page of views is worded view by view.
impl<T: Labels> Labels for linli_domain::Paged<T> {
    const KEYS: &'static [Key] = &[];

    fn words(&self, w: &mut Words<'_>) {
        w.nested("items", &self.items);
    }
}

/// Options are worded when present.
impl<T: Labels> Labels for Option<T> {
    const KEYS: &'static [Key] = &[];

    fn words(&self, _: &mut Words<'_>) {}

    fn word(&self, json: &mut Value, lang: Lang) {
        if let Some(view) = self {
            view.word(json, lang);
        }
    }
}

/// Adds the keys of `T`'s words to its schema in the OpenAPI document (as required strings,
/// or lists of strings), so the document describes what [`Labelled`] sends.
pub fn describe<T: Labels + utoipa::ToSchema>(doc: &mut OpenApi) {
    let schemas = &mut doc.components.get_or_insert_with(Default::default).schemas;
    let Some(RefOr::T(Schema::Object(object))) = schemas.get_mut(T::name().as_ref()) else {
        return;
    };
    let text = || ObjectBuilder::new().schema_type(Type::String).build();
    for key in T::KEYS {
        let (name, schema): (_, RefOr<Schema>) = match key {
            Key::Text(name) => (*name, text().into()),
            Key::MaybeText(name) => (
                *name,
                ObjectBuilder::new()
                    .schema_type(SchemaType::from_iter([Type::String, Type::Null]))
                    .build()
                    .into(),
            ),
            Key::Texts(name) => (*name, ArrayBuilder::new().items(text()).build().into()),
        };
        object.properties.insert(name.into(), schema);
        if !object.required.iter().any(|r| r == name) {
            object.required.push(name.into());
        }
    }
}

/// A handler's answer: the view with its words in the asker's language.
pub fn worded<T>(view: T, lang: Lang) -> axum::Json<Labelled<T>> {
    axum::Json(Labelled::new(view, lang))
}

// Words that may be missing (a standard's six-have item, when it decides none).
impl Words<'_> {
    /// Sets a key to a text, or to null when there is none.
    pub fn maybe<S: Into<String>>(&mut self, key: &str, text: Option<S>) {
        let value = text.map_or(Value::Null, |t| Value::String(t.into()));
        self.json.insert(key.into(), value);
    }
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    #[test]
    fn the_document_describes_the_words_the_api_sends() {
        let doc: Value = serde_json::from_str(&super::super::openapi_json()).unwrap();
        let schemas = &doc["components"]["schemas"];
        let project = &schemas["ProjectView"];
        assert_eq!(project["properties"]["stage_label"]["type"], "string");
        assert_eq!(project["properties"]["blockers"]["items"]["type"], "string");
        assert!(
            project["required"]
                .as_array()
                .unwrap()
                .contains(&"stage_label".into())
        );
        assert_eq!(schemas["StageRow"]["properties"]["label"]["type"], "string");
        // A word that may be missing is a string or null.
        let decides = &schemas["StandardView"]["properties"]["decides"]["type"];
        assert_eq!(decides, &serde_json::json!(["string", "null"]));
    }
}
