//! Errors of the application services: a small set a user can act on, each with a stable
//! code for API clients, an HTTP status, and a message in the user's language. Database and
//! other internal failures are logged with their context and shown only as "internal".

use linli_domain::{FieldError, Lang};
use sea_orm::DbErr;

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("{entity} not found")]
    NotFound { entity: &'static str },
    #[error("not signed in")]
    Unauthenticated,
    #[error("not allowed")]
    Forbidden,
    #[error("invalid input: {0:?}")]
    Invalid(Vec<FieldError>),
    #[error("stale edit: the record is now at version {current}")]
    Stale { current: i32 },
    /// A stored import preview that cannot be confirmed: the file had errors, or the
    /// preview was already written (a second click, another server).
    #[error("import preview not confirmable (had errors: {had_errors})")]
    ImportClosed { had_errors: bool },
    /// A confirmation whose preview was to create a household that another import created
    /// in the meantime: "3栋 1单元 501".
    #[error("room {room} was created meanwhile")]
    RoomTaken { room: String },
    #[error("wrong login or password")]
    BadCredentials,
    #[error("too many attempts")]
    RateLimited { retry_after: i64 },
    /// A JSON API call whose body is not declared `application/json`.
    #[error("body is not application/json")]
    NotJson,
    #[error("internal: {0}")]
    Internal(#[from] anyhow::Error),
}

pub type ServiceResult<T> = Result<T, ServiceError>;

impl From<DbErr> for ServiceError {
    fn from(e: DbErr) -> Self {
        ServiceError::Internal(anyhow::Error::new(e))
    }
}

/// A spreadsheet that could not be written is the program's fault, not the user's.
impl From<linli_sheet::WriteError> for ServiceError {
    fn from(e: linli_sheet::WriteError) -> Self {
        ServiceError::Internal(anyhow::Error::new(e))
    }
}

impl From<FieldError> for ServiceError {
    fn from(e: FieldError) -> Self {
        ServiceError::Invalid(vec![e])
    }
}

impl ServiceError {
    pub fn invalid(field: &'static str, error: linli_domain::Invalid) -> ServiceError {
        ServiceError::Invalid(vec![FieldError::new(field, error)])
    }

    /// Stable code an API client can match on.
    pub fn code(&self) -> &'static str {
        match self {
            ServiceError::NotFound { .. } => "not_found",
            ServiceError::Unauthenticated => "unauthenticated",
            ServiceError::Forbidden => "forbidden",
            ServiceError::Invalid(errors) => {
                errors.first().map(|e| e.error.code()).unwrap_or("invalid")
            }
            ServiceError::Stale { .. } => "stale_version",
            ServiceError::ImportClosed { .. } => "import_closed",
            ServiceError::RoomTaken { .. } => "room_taken",
            ServiceError::BadCredentials => "bad_credentials",
            ServiceError::RateLimited { .. } => "rate_limited",
            ServiceError::NotJson => "unsupported_media_type",
            ServiceError::Internal(_) => "internal",
        }
    }

    pub fn status(&self) -> u16 {
        match self {
            ServiceError::NotFound { .. } => 404,
            ServiceError::Unauthenticated | ServiceError::BadCredentials => 401,
            ServiceError::Forbidden => 403,
            ServiceError::Invalid(_) => 422,
            ServiceError::Stale { .. }
            | ServiceError::ImportClosed { .. }
            | ServiceError::RoomTaken { .. } => 409,
            ServiceError::RateLimited { .. } => 429,
            ServiceError::NotJson => 415,
            ServiceError::Internal(_) => 500,
        }
    }

    /// The first field at fault, if the error is about input.
    pub fn field(&self) -> Option<&str> {
        match self {
            ServiceError::Invalid(errors) => errors.first().map(|e| &*e.field),
            ServiceError::Stale { .. } => Some("version"),
            _ => None,
        }
    }

    pub fn message(&self, lang: Lang) -> String {
        match self {
            ServiceError::NotFound { entity } => match lang {
                Lang::Zh => format!("找不到这个{}", entity_label(entity, lang)),
                Lang::En => format!("This {} does not exist", entity_label(entity, lang)),
            },
            ServiceError::Unauthenticated => lang.pick("请先登录", "Please sign in first").into(),
            ServiceError::Forbidden => lang.pick("您没有权限做这件事", "You are not allowed to do this").into(),
            ServiceError::Invalid(errors) => {
                errors.iter().map(|e| e.message(lang)).collect::<Vec<_>>().join(lang.pick("；", "; "))
            }
            ServiceError::Stale { .. } => lang
                .pick(
                    "别人刚刚保存了这条记录，您的修改没有保存。请查看最新内容后再改。",
                    "Someone else saved this record first; your change was not saved. Check the latest version and edit again.",
                )
                .into(),
            ServiceError::ImportClosed { had_errors: true } => lang
                .pick(
                    "这个文件还有错误，不能导入。请改正后重新上传。",
                    "This file still has errors and cannot be imported. Fix them and upload it again.",
                )
                .into(),
            ServiceError::ImportClosed { had_errors: false } => lang
                .pick(
                    "这次导入已经确认过了，没有再次写入。要再导入，请重新上传文件。",
                    "This import was already confirmed; nothing was written again. To import again, upload the file again.",
                )
                .into(),
            ServiceError::RoomTaken { room } => match lang {
                Lang::Zh => format!("{room} 在预览之后已被另一次导入登记，这次导入没有写入。请重新上传文件，查看新的预览后再确认。"),
                Lang::En => format!(
                    "{room} was registered by another import after this preview; nothing was written. Upload the file again and confirm the new preview."
                ),
            },
            ServiceError::BadCredentials => lang.pick("账号或密码不对", "Wrong login or password").into(),
            ServiceError::RateLimited { retry_after } => match (lang, *retry_after < 60) {
                (Lang::Zh, true) => format!("尝试次数太多，请 {retry_after} 秒后再试"),
                (Lang::En, true) => format!("Too many attempts; try again in {retry_after} seconds"),
                (Lang::Zh, false) => format!("尝试次数太多，请 {} 分钟后再试", (retry_after + 59) / 60),
                (Lang::En, false) => format!("Too many attempts; try again in {} minutes", (retry_after + 59) / 60),
            },
            ServiceError::NotJson => lang
                .pick("请以 JSON 发送（Content-Type: application/json）", "Send the body as JSON (Content-Type: application/json)")
                .into(),
            ServiceError::Internal(_) => {
                lang.pick("系统出了点问题，请稍后再试", "Something went wrong on our side; please try again").into()
            }
        }
    }
}

fn entity_label(entity: &str, lang: Lang) -> &'static str {
    match entity {
        "region" => lang.pick("地区", "region"),
        "compound" => lang.pick("小区", "compound"),
        "building" => lang.pick("楼栋", "building"),
        "unit" => lang.pick("单元", "unit"),
        "household" => lang.pick("户", "household"),
        "person" => lang.pick("人员", "person"),
        "residency" => lang.pick("居住记录", "residency"),
        "ownership" => lang.pick("产权记录", "ownership"),
        "invite" => lang.pick("邀请码", "invite code"),
        "account" => lang.pick("账号", "account"),
        "token" => lang.pick("令牌", "token"),
        "proposal" => lang.pick("议题", "proposal"),
        "ballot" => lang.pick("选票", "ballot"),
        "comment" => lang.pick("评论", "comment"),
        "attachment" => lang.pick("文件", "file"),
        "meeting" => lang.pick("议事会", "council meeting"),
        _ => lang.pick("记录", "record"),
    }
}
