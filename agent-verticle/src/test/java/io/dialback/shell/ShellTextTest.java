package io.dialback.shell;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What the shell prints and which names it uses, without a hub. */
class ShellTextTest {
  @Test
  void printableEscapesWhatCouldSteerATerminal() {
    assertThat(Printable.of("plain name.txt")).isEqualTo("plain name.txt");
    assertThat(Printable.of("\u001b[31mred")).isEqualTo("\\x1b[31mred");
    assertThat(Printable.of("a\u009bb\u007fc")).isEqualTo("a\\x9bb\\x7fc");
    assertThat(Printable.of("line\nbreak\ttab")).isEqualTo("line\\nbreak\\ttab");
    assertThat(Printable.of("evil\u202egnp.exe")).isEqualTo("evil\\u202egnp.exe");
    assertThat(Printable.of("back\\slash")).isEqualTo("back\\\\slash");
    assertThat(Printable.of("Grüße 日本 \uD83D\uDE00")).isEqualTo("Grüße 日本 \uD83D\uDE00");
    assertThat(Printable.of("lone \uD83D")).isEqualTo("lone \\ud83d");
  }

  @Test
  void onlyPlainNamesMayBecomePaths() {
    assertThat(SafeName.isPlain("report.txt")).isTrue();
    assertThat(SafeName.isPlain("Grüße.txt")).isTrue();
    assertThat(SafeName.isPlain(".hidden")).isTrue();
    for (String bad :
        new String[] {
          "",
          ".",
          "..",
          "../x",
          "a/b",
          "/etc/passwd",
          "a\\b",
          "C:\\x",
          "nul\0",
          "\u001b[2J",
          "new\nline",
          "bidi\u202e"
        }) {
      assertThat(SafeName.isPlain(bad)).as(Printable.of(bad)).isFalse();
    }
  }

  @Test
  void globsMatchTheLastSegmentAsAShellDoes() {
    assertThat(Glob.isPattern("*.txt")).isTrue();
    assertThat(Glob.isPattern("plain.txt")).isFalse();
    Glob txt = Glob.of("*.txt");
    assertThat(txt.matches("a.txt")).isTrue();
    assertThat(txt.matches("a.log")).isFalse();
    assertThat(txt.matches(".hidden.txt")).as("* skips a leading dot").isFalse();
    assertThat(Glob.of("file?.[ab]").matches("file1.a")).isTrue();
    assertThat(Glob.of("file?.[!ab]").matches("file1.a")).isFalse();
    assertThat(Glob.of("[a-c]*").matches("beta")).isTrue();
    assertThat(Glob.of("a+b(*)").matches("a+b(1)")).as("regex characters are literal").isTrue();
    assertThat(Glob.of("[]x]").matches("]")).as("as in bash: ] first in a set is in it").isTrue();
    assertThat(Glob.of("[abc").matches("[abc")).as("an unclosed [ is literal").isTrue();
  }

  @Test
  void sizesReadAsAPersonReadsThem() {
    assertThat(Human.size(0)).isEqualTo("0 B");
    assertThat(Human.size(1023)).isEqualTo("1023 B");
    assertThat(Human.size(1536)).isEqualTo("1.5 KiB");
    assertThat(Human.size(200L * 1024 * 1024)).isEqualTo("200.0 MiB");
    assertThat(Human.size(Long.MAX_VALUE)).isEqualTo("8.0 EiB");
  }
}
