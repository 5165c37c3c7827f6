package gameloop.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The README's progression table, the parent pom's modules and the docs must tell the same
 * story: a module that is built is listed, linked, and has its README and its chapter.
 */
class RepositoryIndexTest {

    private static final Path ROOT = Path.of("../..").toAbsolutePath().normalize();

    @Test
    void everyBuiltExampleIsLinkedFromTheReadmeAndEveryLinkedExampleIsBuilt() throws IOException {
        TreeSet<String> built = matches(read("pom.xml"), "<module>(examples/[^<]+)</module>");
        TreeSet<String> linked = matches(read("README.md"), "\\[examples/[^]]+]\\((examples/[^)]+)\\)");
        assertEquals(built, linked, "README progression table against the parent pom's <modules>");
    }

    @Test
    void everyBuiltExampleHasItsReadmeAndItsChapter() throws IOException {
        for (String module : matches(read("pom.xml"), "<module>(examples/[^<]+)</module>")) {
            String name = module.substring("examples/".length());
            assertTrue(Files.exists(ROOT.resolve(module).resolve("README.md")), module + " has no README.md");
            assertTrue(Files.exists(ROOT.resolve("docs").resolve(name + ".md")), module + " has no docs/" + name + ".md");
            assertTrue(read("docs/README.md").contains("(" + name + ".md)"), "docs/README.md does not link " + name);
        }
    }

    /**
     * Every relative link in the Markdown a reader follows (the README, the chapters, each
     * module's README) leads to a file or folder that exists, and a link to a heading
     * ({@code chapter.md#the-loop}, or {@code #the-loop} on the same page) to a heading that
     * exists. Chapters and code move; a link that silently breaks is the first thing a reader
     * trips on.
     */
    @Test
    void everyRelativeLinkInTheDocsLeadsSomewhere() throws IOException {
        List<Path> pages = markdownPages();
        List<String> broken = new ArrayList<>();
        Pattern link = Pattern.compile("\\]\\(([^)\\s]+)\\)");
        for (Path page : pages) {
            Matcher matcher = link.matcher(Files.readString(page));
            while (matcher.find()) {
                String target = matcher.group(1);
                if (target.matches("^[a-z]+:.*")) {
                    continue; // a web address
                }
                String file = target.replaceFirst("#.*$", "");
                Path linked = file.isEmpty() ? page : page.getParent().resolve(file).normalize();
                if (!Files.exists(linked)) {
                    broken.add(ROOT.relativize(page) + " -> " + target);
                } else if (target.contains("#") && linked.toString().endsWith(".md")
                        && !headingAnchors(linked).contains(target.substring(target.indexOf('#') + 1))) {
                    broken.add(ROOT.relativize(page) + " -> " + target + " (no such heading)");
                }
            }
        }
        assertEquals(List.of(), broken, "links to files or headings that do not exist");
    }

    /**
     * The code a chapter shows is the code that runs. A block of Java that follows a line
     * {@code <!-- excerpt: path -->} (the path relative to the page, as a link's is) must be in
     * that file, line after line, so it cannot drift from it unnoticed. Indentation and blank
     * lines do not count; the excerpt may leave out the file's comment lines and a comment at
     * the end of a line, and a line {@code // ...} in it stands for lines left out.
     */
    @Test
    void everyCodeExcerptInTheDocsIsInTheFileItNames() throws IOException {
        Pattern marker = Pattern.compile("^\\s*<!-- excerpt: (\\S+) -->$");
        Pattern markerLike = Pattern.compile("(?i)^\\s*<!--\\s*excerpt");
        List<String> drifted = new ArrayList<>();
        Set<String> chaptersWithout = new TreeSet<>();
        for (Path page : markdownPages()) {
            List<String> lines = Files.readAllLines(page);
            if (page.getParent().endsWith("docs") && page.getFileName().toString().matches("\\d\\d-.*\\.md")) {
                chaptersWithout.add(page.getFileName().toString());
            }
            for (int i = 0; i < lines.size(); i++) {
                Matcher m = marker.matcher(lines.get(i));
                if (!m.matches()) {
                    if (markerLike.matcher(lines.get(i)).find()) {
                        drifted.add(ROOT.relativize(page) + ":" + (i + 1) + ": a marker not written <!-- excerpt: path -->, so not checked");
                    }
                    continue;
                }
                chaptersWithout.remove(page.getFileName().toString());
                String where = ROOT.relativize(page) + ":" + (i + 1);
                Path source = page.getParent().resolve(m.group(1)).normalize();
                if (i + 1 >= lines.size() || !lines.get(i + 1).strip().equals("```java")) {
                    drifted.add(where + ": no ```java block right after the marker");
                } else if (!Files.exists(source)) {
                    drifted.add(where + ": no such file " + m.group(1));
                } else {
                    List<String> excerpt = new ArrayList<>();
                    int j = i + 2;
                    for (; j < lines.size() && !lines.get(j).strip().equals("```"); j++) {
                        excerpt.add(lines.get(j));
                    }
                    String missing = firstLineNotFound(excerpt, Files.readAllLines(source));
                    if (j == lines.size()) {
                        drifted.add(where + ": the block is never closed");
                    } else if (excerpt.stream().allMatch(line -> line.isBlank() || line.strip().equals("// ..."))) {
                        drifted.add(where + ": an empty block");
                    } else if (missing != null) {
                        drifted.add(where + ": not in " + m.group(1) + " from this line on: " + missing);
                    }
                }
            }
        }
        assertEquals(List.of(), drifted, "code excerpts that no longer match their files");
        assertEquals(Set.of(), chaptersWithout, "chapters with no <!-- excerpt: path --> code excerpt");
    }

    /**
     * Matches the excerpt's lines against the file's, in order: each run of lines between
     * {@code // ...} gaps must be found in one place, where only the file's comment lines may
     * come between them. Returns the first excerpt line of the first run not found, or null.
     */
    private static String firstLineNotFound(List<String> excerpt, List<String> file) {
        List<String> code = new ArrayList<>();
        List<Boolean> comment = new ArrayList<>();
        boolean inBlockComment = false;
        for (String line : file) {
            String stripped = line.strip();
            if (stripped.isEmpty()) {
                continue;
            }
            boolean opens = !inBlockComment && stripped.startsWith("/*");
            code.add(stripped);
            comment.add(inBlockComment || opens || stripped.startsWith("//"));
            if (opens || inBlockComment) {
                inBlockComment = !stripped.contains("*/");
            }
        }
        List<List<String>> runs = new ArrayList<>(List.of(new ArrayList<>()));
        for (String line : excerpt) {
            String stripped = line.strip();
            if (stripped.equals("// ...")) {
                runs.add(new ArrayList<>());
            } else if (!stripped.isEmpty()) {
                runs.get(runs.size() - 1).add(stripped);
            }
        }
        int from = 0;
        for (List<String> run : runs) {
            if (run.isEmpty()) {
                continue;
            }
            int end = -1;
            for (int start = from; start < code.size() && end < 0; start++) {
                end = matchAt(run, code, comment, start);
            }
            if (end < 0) {
                return run.get(0);
            }
            from = end;
        }
        return null;
    }

    /**
     * Where the run ends in the file if it starts at {@code start}, or -1. Between two of the
     * run's lines the file may have comment lines ({@code comment} marks them: {@code //} lines,
     * and every line of a {@code /* ... *}{@code /} block), and nothing else.
     */
    private static int matchAt(List<String> run, List<String> code, List<Boolean> comment, int start) {
        int at = start;
        for (String wanted : run) {
            while (at < code.size() && !sameCode(wanted, code.get(at)) && comment.get(at) && at > start) {
                at++;
            }
            if (at >= code.size() || !sameCode(wanted, code.get(at))) {
                return -1;
            }
            at++;
        }
        return at;
    }

    private static boolean sameCode(String excerptLine, String fileLine) {
        return excerptLine.equals(fileLine) || excerptLine.equals(fileLine.replaceFirst("\\s+// .*$", ""));
    }

    /**
     * The docs send a reader to the test that proves a claim, by name ({@code LoseConnectionTest},
     * {@code closeEndsTheSendersConnectionOnly}). A test renamed later would leave the
     * claim pointing at nothing. So every test class and every long camel-case name (a test
     * method, or a helper the docs name) written in backticks must still be in the code.
     */
    @Test
    void everyTestTheDocsNameIsStillInTheCode() throws IOException {
        StringBuilder code = new StringBuilder();
        try (Stream<Path> files = Files.walk(ROOT)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java"))
                    .filter(f -> !ROOT.relativize(f).toString().matches("(.*/)?(target|node_modules)/.*")).toList()) {
                code.append(Files.readString(file)).append('\n');
            }
        }
        Pattern named = Pattern.compile("`([A-Z][A-Za-z0-9]*Test|[a-z][A-Za-z0-9]{24,})`");
        List<String> missing = new ArrayList<>();
        int checked = 0;
        for (Path page : markdownPages()) {
            Matcher matcher = named.matcher(Files.readString(page));
            while (matcher.find()) {
                String name = matcher.group(1);
                checked++;
                if (!Pattern.compile("class " + name + "\\b|\\b" + name + "\\(").matcher(code).find()) {
                    missing.add(ROOT.relativize(page) + ": " + name);
                }
            }
        }
        assertTrue(checked > 100, "only " + checked + " names found: has the docs' way of naming tests changed?");
        assertEquals(List.of(), missing, "named in the docs, found nowhere in the code");
    }

    /**
     * A Maven command a reader copies quotes each {@code -D} option with a dot in its name
     * ({@code "-Dtick.ms=100"}): PowerShell splits an unquoted one at the dot, and Maven then gets
     * {@code -Dtick} and a stray {@code .ms=100}. Checked in the Markdown a reader follows (code
     * blocks, a command continued with a backslash as one, and inline code) and in the
     * {@code {@code mvn ...}} of the code's Javadoc. Options named in running prose are not
     * commands, and are not checked.
     */
    @Test
    void everyMavenCommandQuotesItsDottedOptions() throws IOException {
        List<String> commands = new ArrayList<>();
        for (Path page : markdownPages()) {
            String where = ROOT.relativize(page) + ": ";
            boolean inCode = false;
            StringBuilder command = new StringBuilder();
            for (String line : Files.readAllLines(page)) {
                if (line.strip().startsWith("```")) {
                    inCode = !inCode;
                } else if (inCode) {
                    command.append(line.strip().replaceFirst("\\\\$", "")).append(' ');
                    if (!line.endsWith("\\")) {
                        commands.add(where + command);
                        command.setLength(0);
                    }
                } else {
                    Matcher inline = Pattern.compile("`(mvn [^`]+)`").matcher(line);
                    while (inline.find()) {
                        commands.add(where + inline.group(1));
                    }
                }
            }
        }
        Pattern javadoc = Pattern.compile("\\{@code (mvn [^}]+)}");
        try (Stream<Path> files = Files.walk(ROOT)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java") && f.toString().contains("/src/main/"))
                    .filter(f -> !ROOT.relativize(f).toString().matches("(.*/)?(target|node_modules)/.*")).toList()) {
                Matcher matcher = javadoc.matcher(Files.readString(file));
                while (matcher.find()) {
                    commands.add(ROOT.relativize(file) + ": " + matcher.group(1).replaceAll("\\s*\\n\\s*\\*\\s*", " "));
                }
            }
        }
        Pattern unquoted = Pattern.compile("(?<![\"'])-D[A-Za-z]+\\.[A-Za-z.]+=");
        List<String> mavenCommands = commands.stream().filter(c -> c.contains("mvn ")).toList();
        assertTrue(mavenCommands.size() > 30, "only " + mavenCommands.size() + " Maven commands found: has the way the docs show them changed?");
        assertEquals(List.of(), mavenCommands.stream().filter(c -> unquoted.matcher(c).find()).toList(),
                "Maven commands with an unquoted dotted -D option");
    }

    /** Every Markdown page a reader follows: the README, the docs, and each module's README. */
    private static List<Path> markdownPages() throws IOException {
        List<Path> pages = new ArrayList<>(List.of(ROOT.resolve("README.md")));
        for (String folder : List.of("docs", "examples", "tools", "shared-client")) {
            try (Stream<Path> files = Files.walk(ROOT.resolve(folder))) {
                files.filter(f -> f.toString().endsWith(".md"))
                        .filter(f -> !ROOT.relativize(f).toString().contains("node_modules"))
                        .filter(f -> !ROOT.relativize(f).toString().contains("target"))
                        .forEach(pages::add);
            }
        }
        return pages;
    }

    /**
     * The anchors GitHub gives a page's headings: a link in one counts by its text, then lower
     * case, punctuation dropped (backticks, dots, colons...), each space a hyphen; a repeated one
     * gets "-1", "-2" and so on. Headings inside code blocks (indented ones too) are not headings.
     */
    private static Set<String> headingAnchors(Path page) throws IOException {
        Set<String> anchors = new HashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        boolean inCode = false;
        for (String line : Files.readAllLines(page)) {
            if (line.strip().startsWith("```")) {
                inCode = !inCode;
            } else if (!inCode && line.matches("#{1,6} .*")) {
                String slug = line.replaceFirst("^#+ ", "").replaceAll("\\[([^]]*)]\\([^)]*\\)", "$1")
                        .strip().toLowerCase(Locale.ROOT)
                        .replaceAll("[^\\p{L}\\p{M}\\p{N}\\p{Pc} -]", "")
                        .replace(' ', '-');
                int repeats = seen.merge(slug, 1, Integer::sum) - 1;
                anchors.add(repeats == 0 ? slug : slug + "-" + repeats);
            }
        }
        return anchors;
    }

    private static String read(String path) throws IOException {
        return Files.readString(ROOT.resolve(path));
    }

    private static TreeSet<String> matches(String text, String regex) {
        TreeSet<String> found = new TreeSet<>();
        Matcher matcher = Pattern.compile(regex).matcher(text);
        while (matcher.find()) {
            found.add(matcher.group(1));
        }
        return found;
    }
}
