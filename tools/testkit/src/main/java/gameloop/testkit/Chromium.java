package gameloop.testkit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.file.Path;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * A headless Debian Chromium driven through Selenium, for tests that check the page the way a
 * person uses it. It uses the system's {@code chromium} and {@code chromedriver} only: naming
 * both binaries keeps Selenium Manager from ever trying to download a browser or a driver.
 */
public final class Chromium {

    public static final File BROWSER = new File("/usr/bin/chromium");
    public static final File DRIVER = new File("/usr/bin/chromedriver");
    /**
     * Selenium warns, at every start, that it has no DevTools (CDP) bindings for this Chromium's
     * version. The tests never use those bindings (the few CDP commands they send go through the
     * driver, with {@code executeCdpCommand}), so the warning is noise in the build output. Held
     * in a field: java.util.logging keeps loggers weakly, and a collected logger would forget its
     * level.
     */
    private static final Logger CDP_VERSION_FINDER = Logger.getLogger("org.openqa.selenium.devtools.CdpVersionFinder");

    private Chromium() {
    }

    /** Skips the calling test, with the reason, when Chromium or its driver is not installed. */
    public static void assumeInstalled() {
        assumeTrue(BROWSER.canExecute() && DRIVER.canExecute(),
                "Skipped: no Chromium here. Install it with: apt-get install -y chromium chromium-driver");
    }

    /**
     * A new headless browser keeping its profile in {@code profile} (a JUnit {@code @TempDir},
     * so it is removed after the test); the caller must {@code quit()} it.
     */
    public static ChromeDriver start(Path profile) {
        CDP_VERSION_FINDER.setLevel(Level.SEVERE);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(DRIVER)
                .usingAnyFreePort()
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BROWSER);
        options.addArguments(
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-quic", "--no-first-run", "--window-size=1280,900",
                "--user-data-dir=" + profile,
                // Chromium otherwise looks up Google's hosts at start; this machine has no network.
                "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1 , EXCLUDE localhost");
        return new ChromeDriver(service, options);
    }
}
