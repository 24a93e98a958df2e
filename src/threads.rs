//! Scoped threads whose results the caller needs.

/// What a scoped thread returned; if it panicked, the panic goes on here,
/// in the thread that waited for it.
pub(crate) fn joined<T>(handle: std::thread::ScopedJoinHandle<'_, T>) -> T {
    handle
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}
