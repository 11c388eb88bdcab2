// Drives a dialback hub with the official Vert.x TCP event-bus client for Node.js
// (npm: vertx3-tcp-eventbus-client), loaded as its own tests load it (the package has no main entry), plus the login
// frame. Prints one JSON object with what happened; exit code 0 when every step ran.
'use strict';
const EventBus = require('vertx3-tcp-eventbus-client/lib/tcp-vertx-eventbus');

const port = Number(process.argv[2]);
const token = process.argv[3];
const results = { errors: [] };

const eb = new EventBus('127.0.0.1', port);
function finish(code) {
  process.stdout.write(JSON.stringify(results) + '\n');
  eb.transport.end(); // eb.close() calls close() on a net.Socket, which has none, and throws
  process.exit(code);
}
setTimeout(() => { results.errors.push('timed out'); finish(2); }, 20000);
eb.onerror = (e) => results.errors.push(e && e.message ? e.message : JSON.stringify(e));

eb.onopen = () => {
  // The client has already sent its first ping; the hub must tolerate that before login.
  eb.send('hub.login', { token: token }, (err, msg) => {
    if (err) { results.login = err; return finish(1); }
    results.login = msg.body;
    eb.send('test.echo', { hello: 'node' }, (err, msg) => {
      results.echo = err || msg.body;
      eb.registerHandler('test.node.double', (err, msg) => {
        msg.reply({ doubled: msg.body.n * 2 });
      });
      eb.registerHandler('test.node.news', (err, msg) => {
        results.news = msg.body;
        eb.send('test.nobody', {}, (err) => {
          results.noHandlers = err;
          eb.send('hub.agents.events', {}, {}, (err) => {
            results.denied = err;
            finish(0);
          });
        });
      });
      // The Java side calls test.node.double, then publishes on test.node.news.
      eb.send('test.callme', {}, (err, msg) => { results.called = err || msg.body; });
    });
  });
};
