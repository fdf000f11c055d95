package io.sentrascan.scanner.format.xgboost;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import java.io.Closeable;
import java.io.IOException;

/**
 * The token events {@link JsonModelStream} walks an XGBoost model by, whatever its encoding: JSON
 * (Jackson's streaming parser, {@link #json}) or UBJSON ({@link UbjTokens}). The methods mean what
 * Jackson's {@link JsonParser} methods of the same name mean, so the tree checks are written once.
 */
interface ModelTokens extends Closeable {
  /** The next token; {@code null} at the end of the document. */
  JsonToken nextToken() throws IOException;

  JsonToken currentToken();

  /** The field name, on a {@link JsonToken#FIELD_NAME}. */
  String currentName() throws IOException;

  /** On a start token, moves to its matching end token; otherwise does nothing. */
  void skipChildren() throws IOException;

  /** The text of a scalar (a string, a number, true/false/null) or of a field name. */
  String getText() throws IOException;

  /**
   * A scalar as a long as JsonNode.asLong() reads it: numbers (saturating), numeric strings,
   * booleans; otherwise 0.
   */
  long getValueAsLong() throws IOException;

  /** A number as a double. */
  double getDoubleValue() throws IOException;

  /** Jackson's streaming parser as model tokens. */
  static ModelTokens json(JsonParser p) {
    return new ModelTokens() {
      @Override
      public JsonToken nextToken() throws IOException {
        return p.nextToken();
      }

      @Override
      public JsonToken currentToken() {
        return p.currentToken();
      }

      @Override
      public String currentName() throws IOException {
        return p.currentName();
      }

      @Override
      public void skipChildren() throws IOException {
        p.skipChildren();
      }

      @Override
      public String getText() throws IOException {
        return p.getText();
      }

      @Override
      public long getValueAsLong() throws IOException {
        try {
          return p.getValueAsLong(0);
        } catch (InputCoercionException e) {
          return p.getBigIntegerValue().signum() < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
      }

      @Override
      public double getDoubleValue() throws IOException {
        return p.getDoubleValue();
      }

      @Override
      public void close() throws IOException {
        p.close();
      }
    };
  }
}
