package gameloop.basic;

import static org.awaitility.Awaitility.await;

import gameloop.shared.GameServer;
import gameloop.shared.ServerSettings;
import gameloop.testkit.Chromium;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;

/** The page, used the way a learner uses it: open, Connect, press a key, watch. */
class BrowserTest {

    @Test
    void aLearnerConnectsPressesAKeyAndSeesTheEchoAndTicks() throws Exception {
        Chromium.assumeInstalled();
        GameServer server = BasicLoopServer.start(ServerSettings.forTest("01-basic-loop", Duration.ofMillis(200)));
        ChromeDriver browser = Chromium.start();
        try {
            browser.get(server.pageUri().toString());
            await().until(() -> browser.findElement(By.id("example-name")).getText().contains("01-basic-loop"));

            browser.findElement(By.id("connect")).click();
            await().until(() -> browser.findElement(By.id("status")).getText().startsWith("1 connection open"));
            browser.findElement(By.tagName("body")).sendKeys("a"); // key code 65

            await().atMost(Duration.ofSeconds(10)).until(() -> {
                String log = browser.findElement(By.cssSelector(".conn .log")).getText();
                return log.contains("Pressed key code: 65") && log.contains("game loop says: tick");
            });
            // The page shows the interval between ticks on the second one.
            await().until(() -> browser.findElement(By.cssSelector(".conn .stats")).getText()
                    .contains("last interval"));

            browser.findElement(By.id("disconnect")).click();
            await().until(() -> server.players().count() == 0);
        } finally {
            browser.quit();
            server.close();
        }
    }
}
