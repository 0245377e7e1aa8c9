import { environmentSuite } from "./support.mjs";

environmentSuite("jsdom", "jsdom/");
