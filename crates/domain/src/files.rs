//! Uploaded files: what each is kept for, which decides who may fetch it.

crate::text_enum! {
    /// What an uploaded file is for, as stored in `attachment.purpose`.
    pub enum Purpose {
        /// Proof of how a ballot was cast (or of a payment, a visit): seen by those who
        /// may see the record it proves.
        Evidence = "evidence",
        /// A plan, photo or document attached to a proposal or a record: public within the
        /// compound.
        Attachment = "attachment",
    }
}
