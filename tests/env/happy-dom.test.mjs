import { environmentSuite } from "./support.mjs";

environmentSuite("happy-dom", "HappyDOM/");
