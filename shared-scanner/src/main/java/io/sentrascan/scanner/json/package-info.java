/** Bounded JSON parsing shared by the JSON-based scanners (configs, tokenizers). */
package io.sentrascan.scanner.json;
