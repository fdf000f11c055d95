/**
 * Containers: zip, tar, 7z and single-stream compression (gzip, bzip2, xz, lzma, zstd, lz4, zlib).
 *
 * <p>Every scanner here does the same three things: it checks the archive's structure and entry
 * names for what would hurt on extraction (zip-slip, absolute paths, links, devices) or hide
 * content from scanners (encryption, duplicate names, overlapping entries, data outside the
 * archive), it counts every entry against the entry limit, and it hands every member back to the
 * engine through {@link io.sentrascan.scanner.ScanContext#scanNested}, so that nesting, detection
 * and the depth limit work the same at every level. Members are never held whole in memory: stored
 * data is a slice of the parent source, compressed data goes through {@link
 * io.sentrascan.scanner.ScanContext#spool}, which enforces the total-bytes and ratio limits, and
 * decoders with large dictionaries (xz, lzma, 7z) are capped at {@code 128 MiB}.
 *
 * <p>Registration order matters: the generic {@link io.sentrascan.scanner.container.ZipScanner} is
 * last, after format scanners that recognise their own zips and after the containers whose magic
 * sits at the start of the file (a tar whose last member is a zip has a zip trailer too).
 */
package io.sentrascan.scanner.container;
