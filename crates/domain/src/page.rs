//! Pagination: every list in linli is paged, with bounds a request cannot exceed.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageRequest {
    page: u64,
    size: u64,
}

impl PageRequest {
    pub const DEFAULT_SIZE: u64 = 50;
    pub const MAX_SIZE: u64 = 200;

    /// Page numbers start at 1; missing or zero values fall back to page 1 and the default
    /// size, and sizes above `MAX_SIZE` are capped rather than refused.
    pub fn new(page: Option<u64>, size: Option<u64>) -> PageRequest {
        let page = page.filter(|p| *p >= 1).unwrap_or(1).min(1_000_000);
        let size = size
            .filter(|s| *s >= 1)
            .unwrap_or(Self::DEFAULT_SIZE)
            .min(Self::MAX_SIZE);
        PageRequest { page, size }
    }

    pub fn page(self) -> u64 {
        self.page
    }

    pub fn size(self) -> u64 {
        self.size
    }

    pub fn offset(self) -> u64 {
        (self.page - 1) * self.size
    }
}

impl Default for PageRequest {
    fn default() -> Self {
        PageRequest::new(None, None)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Paged<T> {
    pub items: Vec<T>,
    pub total: u64,
    pub page: u64,
    pub size: u64,
}

impl<T> Paged<T> {
    pub fn new(items: Vec<T>, total: u64, req: PageRequest) -> Paged<T> {
        Paged {
            items,
            total,
            page: req.page(),
            size: req.size(),
        }
    }

    pub fn pages(&self) -> u64 {
        self.total.div_ceil(self.size.max(1)).max(1)
    }

    pub fn has_prev(&self) -> bool {
        self.page > 1
    }

    pub fn has_next(&self) -> bool {
        self.page < self.pages()
    }

    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Paged<U> {
        Paged {
            items: self.items.into_iter().map(f).collect(),
            total: self.total,
            page: self.page,
            size: self.size,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds() {
        let p = PageRequest::new(Some(0), Some(10_000));
        assert_eq!((p.page(), p.size(), p.offset()), (1, 200, 0));
        let p = PageRequest::new(Some(3), Some(20));
        assert_eq!(p.offset(), 40);
        let paged = Paged::new(vec![1, 2], 41, p);
        assert_eq!(paged.pages(), 3);
        assert!(paged.has_prev() && !paged.has_next());
        assert_eq!(
            Paged::<u8>::new(vec![], 0, PageRequest::default()).pages(),
            1
        );
    }
}
