// The nginx configuration of the nchan peer: one worker, an EventSource subscriber, a publisher.
export type NginxConfOptions = { workDir: string; port: number; fdLimit: number };

/**
 * One worker process, like the single event loop of the gateway and the baseline. nchan has no
 * "new messages only" start, so a subscriber gets the newest stored message first (before the
 * bench's warm-up, so uncounted); the event name is `chain`, as the sketch's clients expect.
 */
export function nginxConf({ workDir, port, fdLimit }: NginxConfOptions): string {
  return `load_module /usr/lib/nginx/modules/ngx_nchan_module.so;
daemon off;
master_process on;
worker_processes 1;
worker_rlimit_nofile ${fdLimit};
pid ${workDir}/nginx.pid;
error_log ${workDir}/nginx-error.log warn;
# nginx counts its listeners and internal connections too: let the fd limit be the only cap.
events { worker_connections ${fdLimit * 2}; multi_accept on; }
http {
  access_log off;
  client_body_temp_path ${workDir}/nginx-body;
  proxy_temp_path ${workDir}/nginx-proxy;
  fastcgi_temp_path ${workDir}/nginx-fastcgi;
  uwsgi_temp_path ${workDir}/nginx-uwsgi;
  scgi_temp_path ${workDir}/nginx-scgi;
  nchan_shared_memory_size 256m;
  server {
    listen 127.0.0.1:${port} backlog=4096;
    # The feeder pipelines every publish over one connection; nginx closes one after 1000.
    keepalive_requests 2000000000;
    keepalive_timeout 3600s;
    location = /sse/chain-feed {
      nchan_subscriber eventsource;
      nchan_channel_id chain-feed;
      nchan_eventsource_event chain;
      nchan_subscriber_first_message newest;
    }
    location = /pub {
      nchan_publisher http;
      nchan_channel_id chain-feed;
      nchan_message_buffer_length 1000;
      nchan_message_timeout 60s;
    }
    location = /nchan_status { nchan_stub_status; }
  }
}
`;
}
