/** Structured logging shared by the functions. */
@NullMarked
package io.sentrascan.functions.logging;

import org.jspecify.annotations.NullMarked;
