# Define the handler.
async def handler(msg):
    data = msg.data

    # Inside the function: answer the request.
    await msg.respond(data)
