/**
 * Static analysis of Jinja chat templates (GGUF metadata, tokenizer configs): templates are
 * tokenized and their expressions walked with constant folding, never rendered, to find server-side
 * template injection gadget chains.
 */
@org.jspecify.annotations.NullMarked
package io.sentrascan.scanner.template;
