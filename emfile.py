import socket, time
socks=[]
for i in range(80):
    s=socket.create_connection(("127.0.0.1",18082)); socks.append(s)
time.sleep(3)
greeted=0
for s in socks:
    s.settimeout(0.2)
    try:
        if s.recv(100): greeted+=1
    except Exception: pass
print("greeted", greeted, "of", len(socks))
for s in socks[:60]: s.close()
time.sleep(2.5)
greeted=0
for s in socks[60:]:
    s.settimeout(0.5)
    try:
        if s.recv(100): greeted+=1
    except Exception as e: pass
print("after freeing, greeted", greeted, "of 20")
n=socket.create_connection(("127.0.0.1",18082)); n.settimeout(2); print("new:", n.recv(100))
