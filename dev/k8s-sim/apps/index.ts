// Every image app model, registered with http-apps.ts when this module loads (cluster.ts imports it).
import "./http-echo";
import "./httpd";
import "./nginx";
import "./guestbook";
import "./postgres";
