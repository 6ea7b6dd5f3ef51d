/**
 * DuckDB settings every streaming scan shares. Freed memory goes back to the OS soon: a row group's
 * embedding column chunk is one large allocation, and with DuckDB's default thresholds the freed ones
 * stayed resident — 720 MB instead of 430 MB of RSS for a scan of 1,000,000 rows x 384 floats in
 * 50,000-row groups, for about 1 s more system time (bench/sources.ts).
 */
export const ALLOCATOR_FLUSH = {
  allocator_flush_threshold: '64MB',
  allocator_bulk_deallocation_flush_threshold: '64MB',
} as const;
