package io.dialback.shell;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** Columns aligned with two spaces between; numbers (and sizes) right-aligned. */
final class Table {
  private final List<String[]> rows = new ArrayList<>();
  private final boolean[] right;

  /** {@code right[i]}: column i is right-aligned. */
  Table(boolean... right) {
    this.right = right;
  }

  /** A row; every cell already escaped for printing. */
  Table row(String... cells) {
    rows.add(cells);
    return this;
  }

  void print(PrintStream out) {
    if (rows.isEmpty()) {
      return;
    }
    int[] widths = new int[rows.get(0).length];
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        widths[i] = Math.max(widths[i], row[i].codePointCount(0, row[i].length()));
      }
    }
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.length; i++) {
        int pad = widths[i] - row[i].codePointCount(0, row[i].length());
        boolean alignRight = i < right.length && right[i];
        if (alignRight) {
          line.append(" ".repeat(pad)).append(row[i]);
        } else {
          line.append(row[i]);
        }
        if (i < row.length - 1) {
          line.append(" ".repeat(alignRight ? 2 : pad + 2));
        }
      }
      out.println(line.toString().stripTrailing());
    }
  }
}
